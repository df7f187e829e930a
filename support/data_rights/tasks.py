"""Celery tasks of the data rights: thin, safe to run twice (each service claims its row)."""

from celery import shared_task

from support.data_rights import erasure, exports, retention


@shared_task(acks_late=True)
def data_export_build_task(export_id: int) -> None:
    exports.data_export_build(export_id=export_id)


@shared_task(acks_late=True)
def customer_erase_task(erasure_id: int) -> None:
    erasure.customer_erase(erasure_id=erasure_id)


@shared_task
def data_rights_sweep_task() -> None:
    """What the broker lost (pending exports, approved erasures), and expired archives."""
    for export_id in exports.stale_pending_exports():
        exports.data_export_build(export_id=export_id)
    for erasure_id in erasure.approved_erasures():
        erasure.customer_erase(erasure_id=erasure_id)
    exports.data_export_expire()


@shared_task
def retention_sweep_task() -> dict[str, int]:
    return retention.retention_sweep()
