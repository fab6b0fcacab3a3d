"""Swagger UI (/api/docs/) under the site's Content-Security-Policy.

drf-spectacular's split view loads the page's start script from /api/docs/?script=, so the
page needs no inline script and script-src stays 'self'. The page still carries one <style>
element (box sizing, background); rather than allow inline styles, this one view's policy
adds the SHA-256 hash of exactly that element, read from drf-spectacular's template so an
upgrade keeps it right. Nothing else inline can run or apply there.
"""

import base64
import hashlib
import re

from csp.decorators import csp_update
from django.template.loader import get_template
from drf_spectacular.views import SpectacularSwaggerSplitView


def _style_element_hashes(template_name: str) -> list[str]:
    source = get_template(template_name).template.source
    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"
        for body in re.findall(r"<style>(.*?)</style>", source, re.S)
    ]


api_docs = csp_update(
    {"style-src": _style_element_hashes(SpectacularSwaggerSplitView.template_name)}
)(SpectacularSwaggerSplitView.as_view(url_name="api-schema"))
