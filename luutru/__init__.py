# Kept free of imports: `python3 -m luutru.stack` runs under the system Python before the
# virtualenv exists. The Celery app is loaded by LuutruConfig.ready().
