"""Passport and citizen ID numbers at rest: encrypted, and found through a keyed hash.

A number is stored as ``v1:<key id>:<base64 of nonce + AES-256-GCM ciphertext>``: a stolen
dump or backup holds no number in clear, and two guests with the same number do not share a
ciphertext. Exact search and the duplicate checks cannot compare ciphertexts, so each row also
keeps ``document_hash``, an HMAC-SHA256 of the normalised number under a second key: equal
numbers give equal hashes, and without the key a hash cannot be tested against a guessed number
(a citizen number has only about 10^9 plausible values, so a plain hash would not protect it).

Both keys are derived from one secret, ``DOCUMENT_KEY`` in the environment (32 random bytes,
base64; `python -m guests.documents` prints a new one). Losing it loses every stored number;
it must be kept apart from the database backups.

Unlike the hash, PostgreSQL can compute the same HMAC with pgcrypto (the benchmarks fill their
tables that way): ``encode(hmac(number, <lookup key>, 'sha256'), 'hex')``.

Uploaded CSV files are sealed with the same cipher and key (``encrypt_bytes``, under their own
associated data) and recognised by a keyed hash of their own (``file_hash``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VERSION = "v1"
NONCE_BYTES = 12
# What the associated data binds a ciphertext to: a value copied into another column or table
# does not decrypt there by accident of sharing the key.
AAD = b"luutru.document_number"


class DocumentKeyError(Exception):
    """A stored number cannot be read: another key, or tampered data."""


@cache
def _keys(secret: str) -> tuple[bytes, bytes, str]:
    try:
        master = base64.b64decode(secret, validate=True)
    except binascii.Error:
        master = b""
    if len(master) != 32:
        raise ImproperlyConfigured("DOCUMENT_KEY must be 32 random bytes in base64.")
    encryption = hmac.new(master, b"luutru document encryption v1", hashlib.sha256).digest()
    lookup = hmac.new(master, b"luutru document lookup v1", hashlib.sha256).digest()
    # A short fingerprint of the key, stored with each ciphertext, so a wrong key is named as
    # such instead of failing as corrupt data.
    key_id = hashlib.sha256(b"key id" + encryption).hexdigest()[:8]
    return encryption, lookup, key_id


def keys() -> tuple[bytes, bytes, str]:
    return _keys(settings.DOCUMENT_KEY)


def lookup_key() -> bytes:
    return keys()[1]


def normalise(number: str) -> str:
    """The form a number is compared in: no spaces, upper case (forms store it so already)."""
    return "".join(number.split()).upper()


def document_hash(number: str) -> str:
    """The keyed hash that exact search and duplicate checks compare (64 hex characters)."""
    return hmac.new(lookup_key(), normalise(number).encode(), hashlib.sha256).hexdigest()


def _seal(plain: bytes, aad: bytes) -> tuple[str, bytes]:
    encryption, _, key_id = keys()
    nonce = secrets.token_bytes(NONCE_BYTES)
    return key_id, nonce + AESGCM(encryption).encrypt(nonce, plain, aad)


def _open(stored_key_id: str, raw: bytes, aad: bytes, what: str) -> bytes:
    encryption, _, key_id = keys()
    if stored_key_id != key_id:
        raise DocumentKeyError(f"encrypted with key {stored_key_id}, DOCUMENT_KEY is {key_id}")
    try:
        return AESGCM(encryption).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad)
    except (InvalidTag, ValueError) as error:
        # ValueError: cut shorter than a nonce, which is as much an alteration as a bad tag.
        raise DocumentKeyError(f"the stored {what} was altered") from error


def encrypt(number: str) -> str:
    key_id, sealed = _seal(number.encode(), AAD)
    return f"{VERSION}:{key_id}:{base64.b64encode(sealed).decode()}"


def decrypt(token: str) -> str:
    version, _, rest = token.partition(":")
    stored_key_id, _, payload = rest.partition(":")
    if version != VERSION or not payload:
        raise DocumentKeyError("not an encrypted document number")
    return _open(stored_key_id, base64.b64decode(payload), AAD, "number").decode()


def encrypt_bytes(data: bytes, *, aad: bytes) -> bytes:
    """Seal a whole file: ``v1:<key id>:`` then nonce and ciphertext, raw (a bytea column
    gains nothing from base64). ``aad`` names what the bytes are, as AAD does for numbers."""
    key_id, sealed = _seal(data, aad)
    return f"{VERSION}:{key_id}:".encode() + sealed


def decrypt_bytes(token: bytes, *, aad: bytes) -> bytes:
    # The version and the key id hold no colon; the binary part after them may.
    version, stored_key_id, raw = (token.split(b":", 2) + [b"", b""])[:3]
    if version != VERSION.encode() or not raw:
        raise DocumentKeyError("not encrypted data")
    return _open(stored_key_id.decode("ascii", "replace"), raw, aad, "data")


def file_hash(content: bytes) -> str:
    """The keyed hash that recognises a file uploaded twice (64 hex characters).

    Not a plain SHA-256: the rows of a small file are all in the declarations table but the
    document numbers, so whoever holds a dump could hash guessed files until one matched (the
    first six digits of a citizen number follow from province, sex and birth year: a million
    guesses are left). The key
    is derived from the lookup key under its own label, so a file's hash can never equal a
    document number's."""
    key = hmac.new(lookup_key(), b"luutru import file v1", hashlib.sha256).digest()
    return hmac.new(key, content, hashlib.sha256).hexdigest()


def mask(number: str) -> str:
    """What everything but a declaration's own page shows: the last three characters only;
    the dots do not tell the length."""
    return "•••••" + number[-3:]


def new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


if __name__ == "__main__":
    print(new_key())
