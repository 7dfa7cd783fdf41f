"""The views on PostgreSQL: the event store's database and schema, own tracking tables."""

from __future__ import annotations

from eventsourcing.persistence import IntegrityError, OperationalError, ProgrammingError
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg.sql import SQL

from adapters.readside.rows import Rows
from adapters.readside.views.audience import SqlAudienceView
from adapters.readside.views.audit import SqlAuditView
from adapters.readside.views.base import SqlView
from adapters.readside.views.profiles import SqlProfileView

CREATE_ATTEMPTS = 5


class PostgresView(SqlView, PostgresTrackingRecorder):
    placeholder = "%s"
    bigint = "BIGINT"
    postgres = True

    def __init__(self, datastore: PostgresDatastore, **kwargs: object) -> None:
        super().__init__(datastore, tracking_table_name=f"{self.prefix}_tracking")
        self.sql_create_statements.extend(SQL(statement).format() for statement in self._ddl())

    def _schema(self) -> str:
        return f"{self.datastore.schema}."

    def _rename_indexes(self, rows: Rows, live: SqlView) -> None:
        """The renamed tables' indexes (primary keys included) take the live view's names."""
        schema = self.datastore.schema
        for table in live.tables():
            rows.execute(
                "SELECT indexname FROM pg_indexes WHERE schemaname = ? AND tablename = ?",
                (schema, table.rpartition(".")[2]),
            )
            for row in rows.all():
                name = str(row["indexname"])
                if name.startswith(self.prefix):
                    renamed = live.prefix + name.removeprefix(self.prefix)
                    rows.execute(f'ALTER INDEX "{schema}"."{name}" RENAME TO "{renamed}"')

    def create_table(self) -> None:
        """Create the tables, retrying when another process creates them at the same time."""
        for attempt in range(CREATE_ATTEMPTS):
            try:
                super().create_table()
            except (IntegrityError, OperationalError, ProgrammingError):
                if attempt == CREATE_ATTEMPTS - 1:
                    raise
            else:
                return


class PostgresProfileView(SqlProfileView, PostgresView):
    pass


class PostgresAuditView(SqlAuditView, PostgresView):
    pass


class PostgresAudienceView(SqlAudienceView, PostgresView):
    pass
