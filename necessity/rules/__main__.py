"""``python -m necessity.rules > docs/answers.schema.json`` regenerates the answers JSON Schema."""

import sys

from necessity.rules.schema import schema_text

sys.stdout.write(schema_text())
