# Copyright 2026 Utility Billing Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customer portal: the notices received on the account's page and the
notice's PDF.

The PDF route reads the notice with the user's own rights first (record rule
``utility_notice_rule_portal``: sent notices of the user's commercial partner),
then renders it in sudo. Another customer's notice, a draft and a missing id
all answer 404: notice ids are not to be probed.
"""

import re

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import content_disposition, request

from .portal import UtilityAccountPortal


class UtilityAccountHistoryPortal(UtilityAccountPortal):
    def _get_page_view_values(self, document, access_token, values, *args, **kwargs):
        values = super()._get_page_view_values(
            document, access_token, values, *args, **kwargs
        )
        if document._name == "utility.account":
            values["notices"] = document._portal_notices()
        return values

    @http.route(
        ["/my/utility_notices/<int:notice_id>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_utility_notice(self, notice_id, download=False, **kw):
        """The notice as the customer received it: the letter kept when it was
        mailed, else the notice letter rendered now (an e-mailed notice)."""
        try:
            notice_sudo = self._document_check_access("utility.notice", notice_id)
        except (AccessError, MissingError):
            raise request.not_found() from None
        if notice_sudo.state != "sent":
            # Office staff previewing the page: a draft was never received.
            raise request.not_found()
        filename = "{}.pdf".format(re.sub(r"\W+", "_", notice_sudo.display_name))
        letter = notice_sudo.document_id
        if letter:
            content = letter.raw
            content_type = letter.mimetype or "application/pdf"
        else:
            report = (
                request.env["ir.actions.report"]
                .sudo()
                .with_company(notice_sudo.company_id)
                .with_context(lang=notice_sudo._render_lang())
            )
            content, report_type = report._render_qweb_pdf(
                "utility_billing.action_report_utility_notice", notice_sudo.ids
            )
            content_type = "application/pdf" if report_type == "pdf" else "text/html"
        headers = [
            ("Content-Type", content_type),
            ("Content-Length", len(content)),
        ]
        if download:
            headers.append(("Content-Disposition", content_disposition(filename)))
        return request.make_response(content, headers=headers)
