"""The signature over a certificate's printed fields.

The verify page shows the printed fields as issued and whether their signature holds, so a
PDF edited after printing (another name, a later date) is caught by comparison, and a row
edited in the database without the services is caught by the signature.
"""

import json

from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "certificates.printed-fields"


def printed_fields(certificate) -> dict:
    """What the certificate shows, as signed: holder name, number, type, dates, issuer."""
    return {
        "holder_name": certificate.holder_name,
        "number": certificate.number,
        "type": certificate.certificate_type.code,
        "issued_on": certificate.issued_on.isoformat(),
        "expires_on": certificate.expires_on.isoformat(),
    }


def sign(fields: dict) -> str:
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False)
    return salted_hmac(SALT, payload, algorithm="sha256").hexdigest()


def signature_holds(certificate) -> bool:
    return constant_time_compare(certificate.signature, sign(printed_fields(certificate)))
