"""One way of writing dates per language, read by |date, localize and form widgets
(FORMAT_MODULE_PATH). English keeps the Vietnamese day-first order and the 24-hour clock, so a
page never shows "12/06/2026 8:05 p.m." beside "06/12/2026"."""
