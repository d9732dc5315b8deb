"""Scaling and two-dimensional maps of feature vectors: standardisation, PCA, t-SNE."""

from __future__ import annotations

import numpy as np
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE
from sklearn.preprocessing import StandardScaler

from coursekit._validation import check_choice, check_features, check_integer, sklearn_seed
from coursekit.features._threads import one_openmp_thread

__all__ = ["standardise", "pca", "reduce_dimensions"]

REDUCTION_METHODS = ("pca", "tsne")


def standardise(features):
    """Scale every feature column to mean 0 and standard deviation 1.

    Parameters
    ----------
    features : (n_samples, n_features) array_like
        Finite numbers.

    Returns
    -------
    scaled : (n_samples, n_features) ndarray of float64
        ``(features - mean) / std`` column by column (population std, ``ddof=0``). Columns
        with zero variance (constant) become all 0.
    scaler : sklearn.preprocessing.StandardScaler
        The fitted scaler: ``scaler.transform(new_features)`` scales new rows the same way,
        ``scaler.mean_`` and ``scaler.scale_`` hold the column means and scales.

    Examples
    --------
    >>> scaled, scaler = standardise([[1.0, 5.0], [3.0, 5.0]])
    >>> scaled
    array([[-1.,  0.],
           [ 1.,  0.]])
    """
    features = check_features(features)
    scaler = StandardScaler()
    return scaler.fit_transform(features), scaler


def pca(features, n_components=2, random_state=0):
    """Principal component analysis: scores and the fitted model (explained variance).

    Parameters
    ----------
    features : (n_samples, n_features) array_like
        Finite numbers; usually :func:`standardise` d first, so that no feature dominates
        by its units alone.
    n_components : int, optional
        Number of components, 1 .. min(n_samples, n_features).
    random_state : None, int or numpy.random.Generator, optional
        Only used by the randomised SVD that scikit-learn picks for large inputs; an int is
        passed to scikit-learn unchanged.

    Returns
    -------
    scores : (n_samples, n_components) ndarray of float64
        Coordinates of each sample along the principal axes (centred data projected).
    model : sklearn.decomposition.PCA
        The fitted model: ``model.explained_variance_ratio_`` is the share of the total
        variance each component explains (decreasing, summing to at most 1) and
        ``model.components_`` the axes, shape ``(n_components, n_features)``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    >>> scores, model = pca(x, n_components=1)
    >>> model.explained_variance_ratio_.round(3)
    array([1.])
    """
    features = check_features(features)
    n_components = check_integer(
        n_components, "n_components", minimum=1, maximum=min(features.shape)
    )
    model = PCA(n_components=n_components, random_state=sklearn_seed(random_state))
    return model.fit_transform(features), model


def reduce_dimensions(features, n_components=2, method="pca", random_state=0):
    """Map feature vectors to a few dimensions (usually 2) for plotting.

    Parameters
    ----------
    features : (n_samples, n_features) array_like
        Finite numbers, usually :func:`standardise` d first.
    n_components : int, optional
        Output dimensions: 1 .. min(n_samples, n_features) for PCA, 1 .. 3 for t-SNE.
    method : {"pca", "tsne"}, optional
        ``"pca"``: linear projection onto the principal axes (see :func:`pca` for the
        explained variance). ``"tsne"``: :class:`sklearn.manifold.TSNE`, a non-linear map
        that keeps neighbours together; distances between far-apart groups and group sizes
        in a t-SNE map mean little.
    random_state : None, int or numpy.random.Generator, optional
        Seeds t-SNE (and PCA's randomised solver); an int is passed to scikit-learn
        unchanged, so the same value gives the same map.

    Returns
    -------
    (n_samples, n_components) ndarray of float64
        The embedding, one row per sample.

    Notes
    -----
    t-SNE uses PCA initialisation and a perplexity of ``min(30, (n_samples - 1) / 3)``, so
    that small sets (a perplexity must stay below the number of samples) work too. For
    n_samples < 4 t-SNE is refused. t-SNE runs on one OpenMP thread (about 5-10 s for 700
    samples), which is faster than two on a busy 2-core machine.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=(20, 5))
    >>> reduce_dimensions(x, method="tsne").shape
    (20, 2)
    """
    features = check_features(features)
    check_choice(method, "method", REDUCTION_METHODS)
    if method == "pca":
        return pca(features, n_components, random_state)[0]
    n_samples = features.shape[0]
    if n_samples < 4:
        raise ValueError(f"t-SNE needs at least 4 samples; features has {n_samples}.")
    n_components = check_integer(n_components, "n_components", maximum=3, minimum=1)
    tsne = TSNE(
        n_components=n_components,
        perplexity=min(30.0, (n_samples - 1) / 3),
        init="pca",
        random_state=sklearn_seed(random_state),
    )
    with one_openmp_thread():
        return tsne.fit_transform(features).astype(np.float64)
