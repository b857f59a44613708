/* pq_probe.c — the least any libpq client can do for `current`: start, connect
 * to URL, run one query, exit. bench/run builds it and times it beside
 * `retort current`, as the floor no libpq client goes below on this machine.
 *
 *   pq_probe URL SQL
 */
#include <stdio.h>

#include <libpq-fe.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fputs("usage: pq_probe URL SQL\n", stderr);
		return 2;
	}
	PGconn *conn = PQconnectdb(argv[1]);
	if (PQstatus(conn) != CONNECTION_OK) {
		fprintf(stderr, "pq_probe: %s", PQerrorMessage(conn));
		PQfinish(conn);
		return 1;
	}
	PGresult *res = PQexec(conn, argv[2]);
	int ok = PQresultStatus(res) == PGRES_TUPLES_OK;
	if (!ok)
		fprintf(stderr, "pq_probe: %s", PQerrorMessage(conn));
	PQclear(res);
	PQfinish(conn);
	return ok ? 0 : 1;
}
