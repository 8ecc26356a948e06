/** The Finance Director's month end (tests/test_role_tours.py). */
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("UtilityRoleFinanceTour", {
    steps: () => [
        {
            content: "the month-end summary shows its roll-forward",
            trigger: ".modal .o_form_view .o_field_widget[name=closing_computed]",
        },
        {
            content: "and says whether the books tie",
            trigger: ".modal .o_form_view .o_field_widget[name=ties]",
        },
        {
            content: "close the summary",
            trigger: ".modal-footer button.btn-secondary:contains('Close')",
            run: "click",
        },
    ],
});

registry.category("web_tour.tours").add("UtilityRoleFinanceAgingTour", {
    steps: () => [
        {
            content: "show the aged receivables as of today",
            trigger: ".modal-footer button[name=action_show]",
            run: "click",
        },
        {
            content: "the aging opens on its accounts",
            trigger: ".o_action_manager :is(.o_list_view, .o_pivot_view)",
        },
    ],
});
