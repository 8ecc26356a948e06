/**
 * The daily path of each role in the web client (tests/test_role_tours.py sets
 * the data up and checks the outcome in the database).
 */
import { registry } from "@web/core/registry";

function pickMany2one(field, text) {
    return [
        {
            content: `type ${text} in ${field}`,
            trigger: `.modal .o_field_widget[name=${field}] input`,
            run: `edit ${text}`,
        },
        {
            content: `pick ${text}`,
            trigger: `.o-autocomplete--dropdown-item a:contains("${text}")`,
            run: "click",
        },
    ];
}

// CSR I: enter the day's read of a route.
registry.category("web_tour.tours").add("UtilityRoleCsr1ReadsTour", {
    steps: () =>
        [
            {
                content: "the read entry form is open",
                trigger: ".modal .o_form_view .o_field_widget[name=route_id]",
            },
            pickMany2one("route_id", "Tour Route"),
            {
                content: "the route's meter is listed in walk order",
                trigger: ".modal .o_data_row:contains('TOUR-M1')",
            },
            {
                content: "click the reading cell",
                trigger: ".modal .o_data_row:contains('TOUR-M1') td[name=new_reading]",
                run: "click",
            },
            {
                content: "key the reading",
                trigger: ".modal .o_data_row:contains('TOUR-M1') [name=new_reading] input",
                run: "edit 25",
            },
            {
                content: "save the reads",
                trigger: ".modal-footer button[name=action_confirm]",
                run: "click",
            },
            {
                content: "the read entry is closed",
                trigger: "body:not(:has(.modal [name=route_id]))",
            },
        ].flat(),
});

// CSR I: start service for a new customer at a vacant premise.
registry.category("web_tour.tours").add("UtilityRoleCsr1StartTour", {
    steps: () =>
        [
            {
                content: "new customer",
                trigger: ".modal .o_field_widget[name=customer_mode] input[data-value=new]",
                run: "click",
            },
            {
                content: "the customer's name",
                trigger: ".modal .o_field_widget[name=new_name] input",
                run: "edit Lucia Tour",
            },
            pickMany2one("premise_id", "88 Tour Street"),
            {
                content: "the premise's meter is proposed with its last reading",
                trigger: ".modal .o_data_row:contains('TOUR-M2')",
            },
            {
                content: "start service",
                trigger: ".modal-footer button[name=action_start]",
                run: "click",
            },
            {
                content: "the new account is shown, active",
                trigger:
                    ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Active')",
            },
        ].flat(),
});

// CSR II: accept a flagged read.
registry.category("web_tour.tours").add("UtilityRoleCsr2ReviewTour", {
    steps: () =>
        [
            {
                content: "accept it",
                trigger: ".o_form_view .o_statusbar_buttons button[name=action_accept]",
                run: "click",
            },
            {
                content: "the read is valid",
                trigger:
                    ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Valid')",
            },
        ].flat(),
});

// CSR II: approve and post an adjustment a CSR I requested.
registry.category("web_tour.tours").add("UtilityRoleCsr2AdjustmentTour", {
    steps: () =>
        [
            {
                content: "approve it",
                trigger: ".o_form_view .o_statusbar_buttons button[name=action_approve]",
                run: "click",
            },
            {
                content: "post it",
                trigger: ".o_form_view .o_statusbar_buttons button[name=action_post]",
                run: "click",
            },
            {
                content: "the adjustment is posted",
                trigger:
                    ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Posted')",
            },
        ].flat(),
});

// CSR II: compute and post the month's billing run.
registry.category("web_tour.tours").add("UtilityRoleCsr2RunTour", {
    steps: () =>
        [
            {
                content: "compute it",
                trigger: ".o_form_view .o_statusbar_buttons button[name=action_compute]",
                run: "click",
            },
            {
                content: "post the bills",
                trigger: ".o_form_view .o_statusbar_buttons button[name=action_post]",
                run: "click",
            },
            {
                content: "confirm",
                trigger: ".modal-footer button.btn-primary",
                run: "click",
            },
            {
                content: "the run is posted",
                trigger:
                    ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Posted')",
            },
        ].flat(),
});
