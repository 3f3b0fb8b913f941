import sys

from pipeline.report.render import main

sys.exit(main())
