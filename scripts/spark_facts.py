"""The Spark engine's facts job as a script for ``spark-submit`` (data/spark_facts.py).

    spark-submit --master spark://host:7077 scripts/spark_facts.py \
        --orders hdfs:///store/orders/ --cases hdfs:///store/cases/ [--policy P.toml] --out hdfs:///store/facts

Client mode: the driver runs here, in a checkout (it reads the policy and the SQL files); the
job ships the ``policy`` and ``data`` packages to the executors itself. Without spark-submit,
``python3 scripts/spark_facts.py ...`` runs in Spark local mode.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data.spark_facts import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
