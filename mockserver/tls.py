"""HTTPS for the fake OMS in one flag: a local certificate authority and a server certificate for
the hosts SDKs call (``*.myshopify.com``, ``api.bigcommerce.com``, ``localhost``, 127.0.0.1),
made once and kept in a data directory, and the environment each runtime needs to trust it.

The CA's key never leaves the directory (mode 0600); the CA is valid for ten years, the server
certificate for 397 days, and a new one is made when it is 30 days from expiry or lacks a host.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["HOSTS", "Certificates", "default_dir", "ensure_certificates", "env_lines"]

HOSTS = ("*.myshopify.com", "myshopify.com", "api.bigcommerce.com", "localhost")
ADDRESSES = ("127.0.0.1", "::1")
SYSTEM_BUNDLES = ("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt")
SHOP_HOST = "lookupkit-demo.myshopify.com"


def default_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "lookupkit" / "tls"


@dataclass(frozen=True)
class Certificates:
    directory: Path

    @property
    def ca(self) -> Path:
        return self.directory / "ca.pem"

    @property
    def bundle(self) -> Path:
        """The system's CAs and the kit's: for runtimes whose variable replaces the system's."""
        return self.directory / "bundle.pem"

    @property
    def cert(self) -> Path:
        return self.directory / "server.pem"

    @property
    def key(self) -> Path:
        return self.directory / "server.key"

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca))


def _write(path: Path, data: bytes, private: bool = False) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def _fresh(certs: Certificates, now: dt.datetime) -> bool:
    from cryptography import x509

    if not all(p.exists() for p in (certs.ca, certs.directory / "ca.key", certs.cert, certs.key)):
        return False
    leaf = x509.load_pem_x509_certificate(certs.cert.read_bytes())
    names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    has = set(names.get_values_for_type(x509.DNSName))
    left = leaf.not_valid_after_utc - now
    return has >= set(HOSTS) and left > dt.timedelta(days=30)


def _authority(certs: Certificates, now: dt.datetime) -> tuple[Any, Any]:
    """The kit's CA key and certificate: the kept ones, or new ones written (key mode 0600)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    pem = serialization.Encoding.PEM
    plain = serialization.NoEncryption()
    pkcs8 = serialization.PrivateFormat.PKCS8
    ca_key_path = certs.directory / "ca.key"
    if ca_key_path.exists() and certs.ca.exists():
        ca_key = serialization.load_pem_private_key(ca_key_path.read_bytes(), None)
        ca = x509.load_pem_x509_certificate(certs.ca.read_bytes())
    else:
        ca_key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "lookupkit local CA")])
        ca = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
            .sign(ca_key, hashes.SHA256())
        )
        _write(ca_key_path, ca_key.private_bytes(pem, pkcs8, plain), private=True)
        _write(certs.ca, ca.public_bytes(pem))
    return ca_key, ca


def ensure_certificates(directory: Path | None = None) -> Certificates:
    """The CA and server certificate in ``directory`` (made or renewed when needed)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    certs = Certificates(directory or default_dir())
    now = dt.datetime.now(dt.UTC)
    if _fresh(certs, now):
        return certs
    certs.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = serialization.Encoding.PEM
    plain = serialization.NoEncryption()
    pkcs8 = serialization.PrivateFormat.PKCS8
    ca_key, ca = _authority(certs, now)
    key = ec.generate_private_key(ec.SECP256R1())
    names = [x509.DNSName(h) for h in HOSTS] + [
        x509.IPAddress(ipaddress.ip_address(a)) for a in ADDRESSES
    ]
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "lookupkit fake OMS")]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=397))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _write(certs.key, key.private_bytes(pem, pkcs8, plain), private=True)
    _write(certs.cert, leaf.public_bytes(pem))
    system = next((Path(p) for p in SYSTEM_BUNDLES if Path(p).exists()), None)
    _write(certs.bundle, (system.read_bytes() if system else b"") + ca.public_bytes(pem))
    return certs


def env_lines(certs: Certificates) -> list[str]:
    """What each runtime needs to trust the fake, and the hosts line for SDKs that insist on
    their platform's host name."""
    return [
        f"export SSL_CERT_FILE={certs.bundle}        # Python (ssl, urllib), Ruby, OpenSSL",
        f"export REQUESTS_CA_BUNDLE={certs.bundle}   # Python requests",
        f"export CURL_CA_BUNDLE={certs.bundle}       # curl",
        f"export NODE_EXTRA_CA_CERTS={certs.ca}      # Node.js (fetch, axios, https)",
        "# and, for SDKs that call their platform's own host (needs root), in /etc/hosts:",
        f"# 127.0.0.1 {SHOP_HOST} api.bigcommerce.com",
    ]
