"""Thread limits for scikit-learn's OpenMP loops on the course's small inputs."""

from __future__ import annotations

from functools import lru_cache

from threadpoolctl import ThreadpoolController


@lru_cache(maxsize=1)
def _controller() -> ThreadpoolController:
    """The process's thread-pool controller, found once.

    Finding the libraries means scanning every loaded shared object, which costs more than
    a small k-means; scikit-learn keeps one controller for the same reason. Its OpenMP
    library is loaded with scikit-learn, which every caller has imported first.
    """
    return ThreadpoolController()


def one_openmp_thread():
    """Context manager running scikit-learn's OpenMP code (k-means, t-SNE) on one thread.

    On course-sized inputs (thousands of pixels, hundreds of images) OpenMP threads spend
    most of their time waiting for each other; on a busy 2-core machine (a Codespace, CI,
    a notebook beside a browser) that wait made k-means up to 100 times and t-SNE 3-4 times
    slower than one thread, which is never much slower here. BLAS threads are left alone.
    """
    return _controller().limit(limits=1, user_api="openmp")
