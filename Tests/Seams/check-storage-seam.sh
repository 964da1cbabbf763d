#!/usr/bin/env bash
# The storage seam, checked on the source: no route handler and no renderer holds a
# database handle, a GRDB row or SQL; they go through their module's repositories.
# Run by `make test`; exits non-zero naming every offending line.
set -u
cd "$(dirname "$0")/../.."
handlers=$(find Sources -name '*.swift' \( -path '*/Controllers/*' -o -path '*/Routes/*' -o -path '*/Handlers/*' \
    -o -path '*/Rendering/*' -o -path '*/Pages/*' -o -name '*Controller.swift' -o -name '*Routes.swift' -o -name '*Renderer*.swift' \) | sort)
status=0
for file in $handlers; do
    if grep -nE '^import (GRDB|PostgresNIO)|\bPostgresStore\b|\.database\b|\bRow\.fetch|\bDatabase(Pool|Queue|Writer|Reader)\b|\bsql:|"(SELECT|INSERT|UPDATE|DELETE) ' "$file"; then
        echo "^ $file reaches the database itself; go through a repository" >&2
        status=1
    fi
done
# The database itself (`StateStore.database`) is SPI: the compiler refuses it to any file
# without `@_spi(SQLiteImplementation) import Storage`. That import is allowed only in Storage,
# the SQLite implementations (files named SQLite*), migrations, tests, and these, each still
# its module's one storage type with no second implementation yet (none left):
still_concrete=''
for file in $(grep -rl '@_spi(SQLiteImplementation)' Sources --include='*.swift' | sort); do
    case "$file" in
        Sources/Storage/*|*/SQLite*|*Migration*) continue ;;
    esac
    if ! echo "$still_concrete" | grep -qw "$file"; then
        grep -n '@_spi(SQLiteImplementation)' "$file"
        echo "^ $file opens the database SPI outside a SQLite implementation" >&2
        status=1
    fi
done
# PostgreSQL's client likewise only in Storage and the PostgreSQL implementations (files named
# Postgres*, or in a PostgreSQL folder).
for file in $(grep -rl '^import PostgresNIO' Sources --include='*.swift' | sort); do
    case "$file" in
        Sources/Storage/*|*/PostgreSQL/*|*/Postgres*) continue ;;
    esac
    grep -n '^import PostgresNIO' "$file"
    echo "^ $file imports PostgreSQL's client outside a PostgreSQL implementation" >&2
    status=1
done
# No module's SQL reads or writes another module's tables: a table belongs to the module whose
# sources create it, and the others go through that module's API (Identity for users, the
# secret store for secrets, the artifact store for blobs).
for module in $(ls Sources); do
    tables=$(grep -rhoE 'CREATE TABLE (IF NOT EXISTS )?[a-z_]+' "Sources/$module" --include='*.swift' 2>/dev/null \
        | awk '{print $NF}' | sort -u | paste -sd'|' -)
    [ -z "$tables" ] && continue
    for other in $(ls Sources); do
        [ "$other" = "$module" ] && continue
        if grep -rnE "\b(FROM|JOIN|INTO|UPDATE|TABLE) ($tables)\b" "Sources/$other" --include='*.swift'; then
            echo "^ Sources/$other reaches $module's tables; go through $module's API" >&2
            status=1
        fi
    done
done
[ $status = 0 ] && echo "storage seam: $(echo "$handlers" | wc -l) handler and renderer files hold no database, row or SQL;" \
    "the database SPI only in Storage and SQLite implementations, PostgreSQL's client only in PostgreSQL ones;" \
    "no module touches another's tables"
exit $status
