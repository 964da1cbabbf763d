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
    if grep -nE '^import GRDB|\.database\b|\bRow\.fetch|\bDatabase(Pool|Queue|Writer|Reader)\b|\bsql:|"(SELECT|INSERT|UPDATE|DELETE) ' "$file"; then
        echo "^ $file reaches the database itself; go through a repository" >&2
        status=1
    fi
done
[ $status = 0 ] && echo "storage seam: $(echo "$handlers" | wc -l) handler and renderer files hold no database, row or SQL"
exit $status
