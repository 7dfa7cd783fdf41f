"""The views on SQLite: the event store's file, each view with its own tracking table."""

from __future__ import annotations

from eventsourcing.sqlite import SQLiteDatastore, SQLiteTrackingRecorder

from adapters.readside.views.audience import SqlAudienceView
from adapters.readside.views.audit import SqlAuditView
from adapters.readside.views.base import SqlView
from adapters.readside.views.profiles import SqlProfileView


class SQLiteView(SqlView, SQLiteTrackingRecorder):
    def __init__(self, datastore: SQLiteDatastore, **kwargs: object) -> None:
        super().__init__(datastore)
        tracking = self._table("_tracking")
        self.insert_tracking_statement = (
            f"INSERT INTO {tracking} VALUES (:application_name, :notification_id) "
            "ON CONFLICT (application_name) DO UPDATE SET notification_id = :notification_id "
            f"WHERE {tracking}.notification_id < :notification_id RETURNING notification_id"
        )
        self.select_max_tracking_id_statement = (
            f"SELECT MAX(notification_id) FROM {tracking} WHERE application_name=?"
        )

    def construct_create_table_statements(self) -> list[str]:
        return [
            *self._ddl(),
            f"CREATE TABLE IF NOT EXISTS {self._table('_tracking')} (application_name TEXT, "
            "notification_id INTEGER, PRIMARY KEY (application_name)) WITHOUT ROWID",
        ]


class SQLiteProfileView(SqlProfileView, SQLiteView):
    pass


class SQLiteAuditView(SqlAuditView, SQLiteView):
    pass


class SQLiteAudienceView(SqlAudienceView, SQLiteView):
    pass
