"""Generate rules/tables/curl.yaml, openssl-verify.yaml and tls-alerts.yaml.

The message texts come from the libraries themselves, called through ctypes on the
machine that runs this (Debian 12: libcurl 7.88.1, OpenSSL 3.0.x), so they are the
strings those libraries print; the names come from the headers cited in each file.
Run it again after a library upgrade and commit the output:

    .venv/bin/python tools/gen_tables.py
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import re
import sys
from pathlib import Path

__all__ = ["CURL_NAMES", "TLS_ALERTS", "curl_rows", "main", "tls_alert_rows", "verify_rows"]

ROOT = Path(__file__).resolve().parent.parent
TABLES = ROOT / "rules" / "tables"
X509_VFY_H = Path("/usr/include/openssl/x509_vfy.h")

CURL_SOURCE = ["https://github.com/curl/curl/blob/master/include/curl/curl.h",
               "https://curl.se/libcurl/c/libcurl-errors.html",
               "https://github.com/curl/curl/blob/master/lib/strerror.c"]
# CURLcode names by number, from include/curl/curl.h; CURLE_OBSOLETE* numbers are left out.
CURL_NAMES = {
    1: "UNSUPPORTED_PROTOCOL", 2: "FAILED_INIT", 3: "URL_MALFORMAT", 4: "NOT_BUILT_IN",
    5: "COULDNT_RESOLVE_PROXY", 6: "COULDNT_RESOLVE_HOST", 7: "COULDNT_CONNECT",
    8: "WEIRD_SERVER_REPLY", 9: "REMOTE_ACCESS_DENIED", 10: "FTP_ACCEPT_FAILED",
    11: "FTP_WEIRD_PASS_REPLY", 12: "FTP_ACCEPT_TIMEOUT", 13: "FTP_WEIRD_PASV_REPLY",
    14: "FTP_WEIRD_227_FORMAT", 15: "FTP_CANT_GET_HOST", 16: "HTTP2", 17: "FTP_COULDNT_SET_TYPE",
    18: "PARTIAL_FILE", 19: "FTP_COULDNT_RETR_FILE", 21: "QUOTE_ERROR", 22: "HTTP_RETURNED_ERROR",
    23: "WRITE_ERROR", 25: "UPLOAD_FAILED", 26: "READ_ERROR", 27: "OUT_OF_MEMORY",
    28: "OPERATION_TIMEDOUT", 30: "FTP_PORT_FAILED", 31: "FTP_COULDNT_USE_REST", 33: "RANGE_ERROR",
    35: "SSL_CONNECT_ERROR", 36: "BAD_DOWNLOAD_RESUME", 37: "FILE_COULDNT_READ_FILE",
    38: "LDAP_CANNOT_BIND", 39: "LDAP_SEARCH_FAILED", 42: "ABORTED_BY_CALLBACK",
    43: "BAD_FUNCTION_ARGUMENT", 45: "INTERFACE_FAILED", 47: "TOO_MANY_REDIRECTS",
    48: "UNKNOWN_OPTION", 49: "SETOPT_OPTION_SYNTAX", 52: "GOT_NOTHING", 53: "SSL_ENGINE_NOTFOUND",
    54: "SSL_ENGINE_SETFAILED", 55: "SEND_ERROR", 56: "RECV_ERROR", 58: "SSL_CERTPROBLEM",
    59: "SSL_CIPHER", 60: "PEER_FAILED_VERIFICATION", 61: "BAD_CONTENT_ENCODING",
    63: "FILESIZE_EXCEEDED", 64: "USE_SSL_FAILED", 65: "SEND_FAIL_REWIND", 66: "SSL_ENGINE_INITFAILED",
    67: "LOGIN_DENIED", 68: "TFTP_NOTFOUND", 69: "TFTP_PERM", 70: "REMOTE_DISK_FULL",
    71: "TFTP_ILLEGAL", 72: "TFTP_UNKNOWNID", 73: "REMOTE_FILE_EXISTS", 74: "TFTP_NOSUCHUSER",
    77: "SSL_CACERT_BADFILE", 78: "REMOTE_FILE_NOT_FOUND", 79: "SSH", 80: "SSL_SHUTDOWN_FAILED",
    81: "AGAIN", 82: "SSL_CRL_BADFILE", 83: "SSL_ISSUER_ERROR", 84: "FTP_PRET_FAILED",
    85: "RTSP_CSEQ_ERROR", 86: "RTSP_SESSION_ERROR", 87: "FTP_BAD_FILE_LIST", 88: "CHUNK_FAILED",
    89: "NO_CONNECTION_AVAILABLE", 90: "SSL_PINNEDPUBKEYNOTMATCH", 91: "SSL_INVALIDCERTSTATUS",
    92: "HTTP2_STREAM", 93: "RECURSIVE_API_CALL", 94: "AUTH_ERROR", 95: "HTTP3",
    96: "QUIC_CONNECT_ERROR", 97: "PROXY", 98: "SSL_CLIENTCERT", 99: "UNRECOVERABLE_POLL",
}

TLS_SOURCE = ["https://www.iana.org/assignments/tls-parameters/tls-parameters.xhtml",
              "https://www.rfc-editor.org/rfc/rfc8446",
              "https://github.com/openssl/openssl/blob/master/ssl/ssl_err.c",
              "https://github.com/golang/go/blob/master/src/crypto/tls/alert.go",
              "https://github.com/openjdk/jdk/blob/master/src/java.base/share/classes/sun/security/ssl/Alert.java",
              "https://github.com/rustls/rustls/blob/main/rustls/src/msgs/enums.rs",
              "https://github.com/erlang/otp/blob/master/lib/ssl/src/ssl_alert.erl"]
# code: (RFC/IANA name = Java's name, Go's alertText, rustls AlertDescription, Erlang description_txt, Erlang atom)
# None where that stack has no name of its own for the alert.
TLS_ALERTS = {
    0: ("close_notify", "close notify", "CloseNotify", "Close Notify", "close_notify"),
    10: ("unexpected_message", "unexpected message", "UnexpectedMessage", "Unexpected Message", "unexpected_message"),
    20: ("bad_record_mac", "bad record MAC", "BadRecordMac", "Bad Record MAC", "bad_record_mac"),
    21: ("decryption_failed", "decryption failed", "DecryptionFailed", "Decryption Failed Reserved", "decryption_failed_reserved"),
    22: ("record_overflow", "record overflow", "RecordOverflow", "Record Overflow", "record_overflow"),
    30: ("decompression_failure", "decompression failure", "DecompressionFailure", "Decompression Failure", "decompression_failure"),
    40: ("handshake_failure", "handshake failure", "HandshakeFailure", "Handshake Failure", "handshake_failure"),
    41: ("no_certificate", None, "NoCertificate", "No Certificate Reserved", "no_certificate_reserved"),
    42: ("bad_certificate", "bad certificate", "BadCertificate", "Bad Certificate", "bad_certificate"),
    43: ("unsupported_certificate", "unsupported certificate", "UnsupportedCertificate", "Unsupported Certificate", "unsupported_certificate"),
    44: ("certificate_revoked", "revoked certificate", "CertificateRevoked", "Certificate Revoked", "certificate_revoked"),
    45: ("certificate_expired", "expired certificate", "CertificateExpired", "Certificate Expired", "certificate_expired"),
    46: ("certificate_unknown", "unknown certificate", "CertificateUnknown", "Certificate Unknown", "certificate_unknown"),
    47: ("illegal_parameter", "illegal parameter", "IllegalParameter", "Illegal Parameter", "illegal_parameter"),
    48: ("unknown_ca", "unknown certificate authority", "UnknownCA", "Unknown CA", "unknown_ca"),
    49: ("access_denied", "access denied", "AccessDenied", "Access Denied", "access_denied"),
    50: ("decode_error", "error decoding message", "DecodeError", "Decode Error", "decode_error"),
    51: ("decrypt_error", "error decrypting message", "DecryptError", "Decrypt Error", "decrypt_error"),
    60: ("export_restriction", None, "ExportRestriction", "Export Restriction", "export_restriction"),
    70: ("protocol_version", "protocol version not supported", "ProtocolVersion", "Protocol Version", "protocol_version"),
    71: ("insufficient_security", "insufficient security level", "InsufficientSecurity", "Insufficient Security", "insufficient_security"),
    80: ("internal_error", "internal error", "InternalError", "Internal Error", "internal_error"),
    86: ("inappropriate_fallback", "inappropriate fallback", "InappropriateFallback", "Inappropriate Fallback", "inappropriate_fallback"),
    90: ("user_canceled", "user canceled", "UserCanceled", "User Canceled", "user_canceled"),
    100: ("no_renegotiation", "no renegotiation", "NoRenegotiation", "No Renegotiation", "no_renegotiation"),
    109: ("missing_extension", "missing extension", "MissingExtension", "Missing extension", "missing_extension"),
    110: ("unsupported_extension", "unsupported extension", "UnsupportedExtension", "Unsupported Extension", "unsupported_extension"),
    111: ("certificate_unobtainable", "certificate unobtainable", "CertificateUnobtainable", "Certificate Unobtainable", "certificate_unobtainable"),
    112: ("unrecognized_name", "unrecognized name", "UnrecognisedName", "Unrecognised Name", "unrecognised_name"),
    113: ("bad_certificate_status_response", "bad certificate status response", "BadCertificateStatusResponse", "Bad Certificate Status Response", "bad_certificate_status_response"),
    114: ("bad_certificate_hash_value", "bad certificate hash value", "BadCertificateHashValue", "Bad Certificate Hash Value", "bad_certificate_hash_value"),
    115: ("unknown_psk_identity", "unknown PSK identity", "UnknownPSKIdentity", "Unknown Psk Identity", "unknown_psk_identity"),
    116: ("certificate_required", "certificate required", "CertificateRequired", "Certificate required", "certificate_required"),
    120: ("no_application_protocol", "no application protocol", "NoApplicationProtocol", "No application protocol", "no_application_protocol"),
    121: ("ech_required", "encrypted client hello required", "EncryptedClientHelloRequired", None, None),
}
# Alerts that end a connection normally or are warnings: never an error on their own.
NOT_ERRORS = {0, 90, 100}


def _lib(*names: str) -> ctypes.CDLL:
    for name in names:
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    raise SystemExit(f"cannot load any of {names}")


def curl_rows() -> list[dict[str, object]]:
    """Every CURLcode 1-99 in use, with curl_easy_strerror's text."""
    curl = _lib("libcurl.so.4", ctypes.util.find_library("curl") or "libcurl.so")
    curl.curl_easy_strerror.restype = ctypes.c_char_p
    return [{"code": code, "name": "CURLE_" + name, "message": curl.curl_easy_strerror(code).decode(),
             "source": CURL_SOURCE} for code, name in CURL_NAMES.items()]


# The verify errors Node.js names in err.code (X509ErrorCode in src/crypto/crypto_common.cc);
# for any other, Node's code is the message text itself.
NODE_VERIFY_CODES = {
    "UNABLE_TO_GET_ISSUER_CERT", "UNABLE_TO_GET_CRL", "UNABLE_TO_DECRYPT_CERT_SIGNATURE",
    "UNABLE_TO_DECRYPT_CRL_SIGNATURE", "UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY", "CERT_SIGNATURE_FAILURE",
    "CRL_SIGNATURE_FAILURE", "CERT_NOT_YET_VALID", "CERT_HAS_EXPIRED", "CRL_NOT_YET_VALID", "CRL_HAS_EXPIRED",
    "ERROR_IN_CERT_NOT_BEFORE_FIELD", "ERROR_IN_CERT_NOT_AFTER_FIELD", "ERROR_IN_CRL_LAST_UPDATE_FIELD",
    "ERROR_IN_CRL_NEXT_UPDATE_FIELD", "OUT_OF_MEM", "DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN",
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "CERT_CHAIN_TOO_LONG", "CERT_REVOKED",
    "INVALID_CA", "PATH_LENGTH_EXCEEDED", "INVALID_PURPOSE", "CERT_UNTRUSTED", "CERT_REJECTED", "HOSTNAME_MISMATCH",
}


def verify_rows() -> list[dict[str, object]]:
    """Every X509_V_ERR_* in the installed x509_vfy.h, with X509_verify_cert_error_string's text."""
    crypto = _lib("libcrypto.so.3", ctypes.util.find_library("crypto") or "libcrypto.so")
    crypto.X509_verify_cert_error_string.restype = ctypes.c_char_p
    crypto.X509_verify_cert_error_string.argtypes = [ctypes.c_long]
    header = X509_VFY_H.read_text()
    rows = []
    for name, value in re.findall(r"^#\s*define\s+(X509_V_ERR_\w+)\s+(\d+)\s*$", header, re.M):
        code = int(value)
        row: dict[str, object] = {"code": code, "name": name, "message": crypto.X509_verify_cert_error_string(code).decode()}
        source = ["https://github.com/openssl/openssl/blob/master/include/openssl/x509_vfy.h.in",
                  "https://github.com/openssl/openssl/blob/master/crypto/x509/x509_txt.c",
                  "https://docs.openssl.org/3.0/man1/openssl-verify/"]
        short = name.removeprefix("X509_V_ERR_")
        if short in NODE_VERIFY_CODES:
            row["node_code"] = short
            source.append("https://github.com/nodejs/node/blob/main/src/crypto/crypto_common.cc")
        row["source"] = source
        rows.append(row)
    return sorted(rows, key=lambda r: r["code"])


def tls_alert_rows() -> list[dict[str, object]]:
    """Every TLS alert in the IANA registry that a stack prints, with each stack's spelling."""
    ssl = _lib("libssl.so.3", ctypes.util.find_library("ssl") or "libssl.so")
    crypto = _lib("libcrypto.so.3", ctypes.util.find_library("crypto") or "libcrypto.so")
    ssl.OPENSSL_init_ssl(ctypes.c_uint64(0x00200000 | 0x00000002), None)  # load the SSL error strings
    crypto.ERR_reason_error_string.restype = ctypes.c_char_p
    crypto.ERR_reason_error_string.argtypes = [ctypes.c_ulong]
    rows = []
    for code, (name, go, rustls, erlang, erlang_atom) in TLS_ALERTS.items():
        # OpenSSL reports a received alert as reason SSL_AD_REASON_OFFSET (1000) + code in lib SSL (20).
        reason = crypto.ERR_reason_error_string((20 << 23) | (1000 + code))
        row: dict[str, object] = {"code": code, "name": name}
        if reason:
            row["openssl"] = reason.decode()
        for key, value in (("go", go), ("rustls", rustls), ("erlang", erlang), ("erlang_atom", erlang_atom)):
            if value:
                row[key] = value
        if code in NOT_ERRORS:
            row["error"] = False
        row["source"] = TLS_SOURCE
        rows.append(row)
    return rows


NSS_SOURCE = ["https://github.com/nss-dev/nss/blob/master/lib/util/SECerrs.h",
              "https://github.com/nss-dev/nss/blob/master/lib/ssl/SSLerrs.h",
              "https://firefox-source-docs.mozilla.org/security/nss/legacy/ssl_functions/sslerr.html"]
# SEC_ERROR_* codes a browser shows for a certificate or a connection; the rest are PKCS#11 and tooling.
NSS_SEC_KEEP = re.compile(r"CERT|ISSUER|OCSP|CRL|EXPIRED|REVOKED|UNTRUSTED|SIGNATURE|POLICY|NAME|INADEQUATE|PATH_LEN|KEY_SIZE|BAD_DER")


def nss_rows() -> list[dict[str, object]]:
    """Firefox/NSS SSL_ERROR_* codes and the certificate SEC_ERROR_* codes, with NSS's own texts."""
    nspr = _lib("libnspr4.so")
    nss = _lib("libnss3.so")
    ssl = _lib("libssl3.so")
    nss.NSS_NoDB_Init(None)
    ssl.NSS_SetDomesticPolicy()  # registers the SSL error table as a side effect
    nspr.PR_ErrorToName.restype = ctypes.c_char_p
    nspr.PR_ErrorToString.restype = ctypes.c_char_p
    rows = []
    for code in [*range(-8192, -7900), *range(-12288, -12000)]:
        name = nspr.PR_ErrorToName(code)
        if not name:
            continue
        name = name.decode()
        if not name.startswith(("SEC_ERROR_", "SSL_ERROR_")):
            continue  # internal and Fortezza-era codes no browser shows
        if name.startswith("SEC_ERROR_") and not NSS_SEC_KEEP.search(name):
            continue
        rows.append({"code": code, "name": name, "message": nspr.PR_ErrorToString(code, 0).decode(errors="replace"),
                     "source": NSS_SOURCE})
    return rows


def _render(table: str, description: str, header: list[str], rows: list[dict[str, object]]) -> str:
    lines = ["# Generated by tools/gen_tables.py - do not edit by hand.", *("# " + h for h in header),
             f"table: {table}", f"description: {json.dumps(description)}", "rows:"]
    for row in rows:
        first = True
        for key, value in row.items():
            lead = "  - " if first else "    "
            first = False
            lines.append(f"{lead}{key}: {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def main() -> int:
    """Write the three generated tables."""
    curl = _lib("libcurl.so.4")
    curl.curl_version.restype = ctypes.c_char_p
    crypto = _lib("libcrypto.so.3")
    crypto.OpenSSL_version.restype = ctypes.c_char_p
    curl_v = curl.curl_version().decode().split()[0]
    ssl_v = crypto.OpenSSL_version(0).decode()
    out = {
        "curl.yaml": _render("curl", "curl exit codes / CURLcode values 1-99 with curl_easy_strerror's text.",
                             [f"Messages from {curl_v} (curl_easy_strerror); names from include/curl/curl.h."], curl_rows()),
        "openssl-verify.yaml": _render("openssl-verify", "OpenSSL certificate verification codes (X509_V_ERR_*).",
                                       [f"Names and numbers from {X509_VFY_H}, texts from {ssl_v} (X509_verify_cert_error_string)."],
                                       verify_rows()),
        "tls-alerts.yaml": _render("tls-alert", "TLS alerts by number and as each TLS stack prints them.",
                                   [f"OpenSSL reason strings from {ssl_v} (ERR_reason_error_string of SSL_AD_REASON_OFFSET + code);",
                                    "Go, rustls and Erlang spellings from the sources named on each row."], tls_alert_rows()),
        "nss-errors.yaml": _render("nss", "Firefox / NSS error codes (SEC_ERROR_*, SSL_ERROR_*) with NSS's texts.",
                                   ["Names, numbers and texts from the installed NSS (PR_ErrorToName / PR_ErrorToString)."], nss_rows()),
    }
    for name, text in out.items():
        (TABLES / name).write_text(text, encoding="utf-8")
        print(f"wrote rules/tables/{name} ({text.count(chr(10) + '  - ')} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
