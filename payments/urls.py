from django.urls import path

from payments import simulator, staff, views

app_name = "payments"

urlpatterns = [
    path("api/v1/payments/orders", views.order_create, name="order_create"),
    path("payments/orders/new", views.order_new, name="order_new"),
    path("payments/orders/<str:reference>/", views.order_page, name="order"),
    path(
        "payments/orders/<str:reference>/receipt.pdf",
        views.receipt_pdf_download,
        name="receipt_pdf",
    ),
    path(
        "payments/orders/<str:reference>/credit-notes/<str:credit_note>.pdf",
        views.credit_note_pdf_download,
        name="credit_note_pdf",
    ),
    path(
        "payments/orders/<str:reference>/pay/<str:provider>",
        views.order_pay,
        name="pay",
    ),
    path("payments/staff/orders/", staff.orders, name="staff_orders"),
    path(
        "payments/staff/counter",
        staff.counter_confirm,
        name="staff_counter_confirm",
    ),
    path("payments/staff/statement", staff.statement, name="staff_statement"),
    path(
        "payments/staff/orders/<str:reference>/refund",
        staff.refund,
        name="staff_refund",
    ),
    path(
        "payments/staff/orders/<str:reference>/issue",
        staff.issue_retry,
        name="staff_issue_retry",
    ),
    path("payments/callback/cmi", views.card_callback, name="card_callback"),
    path("payments/simulator/pay", simulator.simulator_pay, name="simulator_pay"),
    path(
        "payments/simulator/decide",
        simulator.simulator_decide,
        name="simulator_decide",
    ),
]
