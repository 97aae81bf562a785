"""eservice: an open-source digital-government platform."""

import os
from importlib.metadata import PackageNotFoundError, version

# NumPy's BLAS would start a pool of threads per process whose waiting
# spins take CPU from the web server's own threads (measured: the officer
# queue served half as many requests with it). The platform's arrays are
# small: one thread each, unless the operator says otherwise. This must run
# before NumPy is first imported.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

try:
    __version__ = version("eservice")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
