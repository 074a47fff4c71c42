"""Issue 22, item 3: signing inputs.  ``xfc bundle -f csar --sign-key K --sign-cert C``
refuses, before it compiles and within the budget, a key or certificate that is not a
regular file (a FIFO hung for ever), a key type the CMS signer does not take (Ed448 was
exit 3), and a certificate that is not the key's (the CSAR's signature could never
verify).  A matching RSA pair still signs."""

from __future__ import annotations

import datetime
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.harness import CPU_BUDGET, REPO

x509 = pytest.importorskip("cryptography.x509")
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ed448, rsa  # noqa: E402

SAMPLE = REPO / "samples" / "5g-core-slice" / "slice.yaml"


def _pair(tmp: Path, name: str, key) -> tuple[Path, Path]:
    subject = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, name)])
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    algorithm = None if isinstance(key, ed448.Ed448PrivateKey) else hashes.SHA256()
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(1).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=3650)).sign(key, algorithm))
    k, c = tmp / f"{name}.key", tmp / f"{name}.crt"
    k.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()))
    c.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return k, c


def _bundle(tmp: Path, key: Path, cert: Path) -> tuple[int, str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([sys.executable, "-m", "compiler", "bundle", str(SAMPLE), "-f", "csar",
                           "--sign-key", str(key), "--sign-cert", str(cert), "-o", str(tmp / "out")],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return proc.returncode, proc.stdout + proc.stderr, cpu


def _refused(tmp: Path, key: Path, cert: Path, rc: int, *words: str) -> None:
    code, text, cpu = _bundle(tmp, key, cert)
    assert code == rc, text
    assert "Traceback" not in text and "internal error" not in text, text
    assert all(w in text for w in words), text
    assert not (tmp / "out").exists(), text  # refused before anything is written
    assert cpu < CPU_BUDGET, f"{cpu:.2f} s\n{text}"


def test_an_ed448_key_is_refused_by_name(tmp_path):
    key, cert = _pair(tmp_path, "ed", ed448.Ed448PrivateKey.generate())
    _refused(tmp_path, key, cert, 1, f"--sign-key {key}", "Ed448", "RSA or ECDSA")


def test_a_certificate_of_another_key_is_refused(tmp_path):
    key, _ = _pair(tmp_path, "a", rsa.generate_private_key(public_exponent=65537, key_size=2048))
    _, other = _pair(tmp_path, "b", rsa.generate_private_key(public_exponent=65537, key_size=2048))
    _refused(tmp_path, key, other, 1, f"--sign-cert {other}", "not that of", "could not be verified")


def test_a_fifo_as_the_certificate_is_refused_without_opening_it(tmp_path):
    key, _ = _pair(tmp_path, "a", rsa.generate_private_key(public_exponent=65537, key_size=2048))
    fifo = tmp_path / "cert.fifo"
    os.mkfifo(fifo)
    _refused(tmp_path, key, fifo, 2, f"--sign-cert {fifo}", "not a regular file")


def test_a_matching_rsa_pair_still_signs(tmp_path):
    key, cert = _pair(tmp_path, "a", rsa.generate_private_key(public_exponent=65537, key_size=2048))
    code, text, _ = _bundle(tmp_path, key, cert)
    assert code == 0, text
    assert list((tmp_path / "out").glob("*.csar")), text
