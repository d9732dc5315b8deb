"""Clustering images by their feature vectors, and choosing the number of clusters."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
from sklearn.metrics import silhouette_score
from sklearn.mixture import GaussianMixture
from sklearn.neighbors import NearestNeighbors

from coursekit._validation import check_choice, check_features, check_integer, sklearn_seed
from coursekit.features._threads import one_openmp_thread

__all__ = ["CLUSTER_METHODS", "cluster_images", "choose_k", "dbscan_eps"]

CLUSTER_METHODS = ("kmeans", "agglomerative", "gmm", "dbscan")
#: k-means restarts for image clustering; the best (lowest inertia) is kept.
IMAGE_N_INIT = 10
#: Share of the samples that DBSCAN's automatic eps makes core points.
DBSCAN_CORE_SHARE = 0.9


def cluster_images(features, k, method="kmeans", random_state=0):
    """Group samples (one feature vector per image) into clusters.

    Parameters
    ----------
    features : (n_samples, n_features) array_like
        Finite numbers, one row per image, e.g. from ``coursekit.features.extract_features``;
        standardise them first when the columns have different units.
    k : int
        Number of clusters, 1 .. n_samples. For ``"dbscan"``, the ``min_samples`` of a core
        point instead (see Notes).
    method : {"kmeans", "agglomerative", "gmm", "dbscan"}, optional
        ``"kmeans"``: :class:`sklearn.cluster.KMeans`, ``n_init=10``.
        ``"agglomerative"``: :class:`sklearn.cluster.AgglomerativeClustering` with Ward
        linkage (deterministic; ``random_state`` unused).
        ``"gmm"``: :class:`sklearn.mixture.GaussianMixture` with ``k`` components,
        ``covariance_type="diag"`` (one variance per feature and component: stable with
        many features and few images), ``n_init=3``; each sample goes to its most probable
        component.
        ``"dbscan"``: :class:`sklearn.cluster.DBSCAN` with ``min_samples=k`` and ``eps``
        from :func:`dbscan_eps`; the number of clusters is found, not chosen.
    random_state : None or int, optional
        Seeds k-means and the Gaussian mixture: passed to scikit-learn unchanged (a numpy
        integer counts as that int), and the same int gives the same labels.

    Returns
    -------
    (n_samples,) ndarray of int
        Cluster of each sample: 0 .. k - 1 (DBSCAN: 0 .. n_found - 1, and -1 for noise
        samples that belong to no cluster). Label numbers carry no meaning: compare
        clusterings with ``evaluate_clustering`` or
        :func:`sklearn.metrics.adjusted_rand_score`.

    Notes
    -----
    DBSCAN calls a sample a core point when at least ``min_samples`` samples (itself
    included) lie within ``eps`` of it. Here ``eps`` is the 90th percentile of the
    distance from each sample to its ``k``-th nearest sample (itself counted first),
    so that 90% of samples are core points: clusters are the dense regions, and samples
    far from every dense region become noise.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]])
    >>> labels = cluster_images(x, k=2)
    >>> bool(labels[0] == labels[1]), bool(labels[1] == labels[2])
    (True, False)
    """
    features = check_features(features)
    n_samples = features.shape[0]
    k = check_integer(k, "k", minimum=1, maximum=n_samples)
    check_choice(method, "method", CLUSTER_METHODS)
    if method == "kmeans":
        model = KMeans(n_clusters=k, n_init=IMAGE_N_INIT, random_state=sklearn_seed(random_state))
        with one_openmp_thread():
            labels = model.fit_predict(features)
    elif method == "agglomerative":
        labels = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(features)
    elif method == "gmm":
        model = GaussianMixture(
            n_components=k,
            covariance_type="diag",
            n_init=3,
            random_state=sklearn_seed(random_state),
        )
        labels = model.fit(features).predict(features)
    else:
        eps = dbscan_eps(features, k)
        labels = DBSCAN(eps=eps, min_samples=k).fit_predict(features)
    return np.asarray(labels, dtype=np.int64)


def dbscan_eps(features, min_samples):
    """Neighbourhood radius for DBSCAN read from the k-distance of the samples.

    Parameters
    ----------
    features : (n_samples, n_features) array_like
        Finite numbers.
    min_samples : int
        DBSCAN's ``min_samples``, 1 .. n_samples.

    Returns
    -------
    float
        The 90th percentile of each sample's distance (Euclidean, in feature units) to its
        ``min_samples``-th nearest sample, the sample itself counted as the first; a tiny
        positive number if that is 0 (duplicates, or ``min_samples=1``).

    Examples
    --------
    >>> import numpy as np
    >>> dbscan_eps(np.array([[0.0], [1.0], [2.0], [10.0]]), 2)
    5.900000000000001
    """
    features = check_features(features)
    min_samples = check_integer(min_samples, "min_samples", maximum=features.shape[0], minimum=1)
    distances, _ = NearestNeighbors(n_neighbors=min_samples).fit(features).kneighbors(features)
    eps = np.quantile(distances[:, -1], DBSCAN_CORE_SHARE)
    if eps > 0:
        return float(eps)
    return float(np.finfo(np.float64).eps * max(1.0, np.abs(features).max()))


def choose_k(features, ks=range(2, 11), random_state=0):
    """Inertia and silhouette of k-means for several numbers of clusters (elbow plot).

    Parameters
    ----------
    features : (n_samples, n_features) array_like
        Finite numbers, one row per sample.
    ks : iterable of int, optional
        Numbers of clusters to try, each 1 .. n_samples.
    random_state : None, int or numpy.random.Generator, optional
        Seeds every k-means run, as in :func:`cluster_images` (one int, reused for each k).

    Returns
    -------
    pandas.DataFrame
        One row per k, in the order given, with columns ``k`` (int), ``inertia`` (sum of
        squared distances of the samples to their centre, in squared feature units; it
        always falls as k grows: look for the elbow) and ``silhouette`` (mean silhouette
        coefficient in [-1, 1], higher is better; NaN when k < 2 or k >= n_samples, where
        it is undefined).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[0.0], [0.1], [5.0], [5.1], [10.0], [10.1]])
    >>> choose_k(x, ks=[2, 3]).round(2)
       k  inertia  silhouette
    0  2    25.02        0.66
    1  3     0.01        0.98
    """
    features = check_features(features)
    n_samples = features.shape[0]
    ks = [check_integer(k, "ks", minimum=1, maximum=n_samples) for k in ks]
    if not ks:
        raise ValueError("ks is empty; give at least one number of clusters.")
    seed = sklearn_seed(random_state)
    rows = []
    for k in ks:
        model = KMeans(n_clusters=k, n_init=IMAGE_N_INIT, random_state=seed)
        with one_openmp_thread():
            model.fit(features)
        if 2 <= k < n_samples and len(np.unique(model.labels_)) >= 2:
            silhouette = float(silhouette_score(features, model.labels_))
        else:
            silhouette = np.nan
        rows.append({"k": k, "inertia": float(model.inertia_), "silhouette": silhouette})
    return pd.DataFrame(rows, columns=["k", "inertia", "silhouette"])
