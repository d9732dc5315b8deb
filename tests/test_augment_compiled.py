"""The switch between numba's compiled kernels and the numpy code, and what the kernels read.

Which code runs: numba's kernels when numba imports and COURSEKIT_NO_NUMBA is not 1, else
numpy's (both give the same results: the exact, tolerance, filter and pipeline tests run both
ways). The kernels read images as flat memory with steps (flat_pixels), which must describe
every turned and mirrored view exactly and refuse any other view.
"""

import importlib.util
import os
import subprocess
import sys
import textwrap
import types

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import coursekit.augment
from coursekit.augment import _accel, _kernels


def test_numba_is_in_use_unless_switched_off():
    assert _accel.enabled() == (os.environ.get(_accel.ENV_VARIABLE) != "1")


def test_the_environment_variable_switches_the_kernels_off(monkeypatch):
    monkeypatch.setenv(_accel.ENV_VARIABLE, "1")
    assert _accel._load() is None
    monkeypatch.setenv(_accel.ENV_VARIABLE, "0")
    numba_installed = importlib.util.find_spec("numba") is not None
    assert (_accel._load() is not None) == numba_installed


def test_without_numba_the_numpy_code_runs(monkeypatch):
    monkeypatch.delenv(_accel.ENV_VARIABLE, raising=False)
    monkeypatch.setitem(sys.modules, "numba", None)  # import numba raises ImportError
    assert _accel._load() is None


def test_kernels_that_cannot_be_set_up_leave_the_numpy_code_with_a_warning(monkeypatch):
    pytest.importorskip("numba")
    monkeypatch.delenv(_accel.ENV_VARIABLE, raising=False)
    monkeypatch.setitem(sys.modules, "coursekit.augment._jit_colour", None)  # import fails
    monkeypatch.delattr(coursekit.augment, "_jit_colour", raising=False)
    with pytest.warns(RuntimeWarning, match="numpy code runs instead"):
        assert _accel._load() is None


def test_numpy_only_switches_the_kernels_off_and_back(monkeypatch):
    before = _accel.kernels()
    with _accel.numpy_only():
        assert _accel.kernels() is None and not _accel.enabled()
        with _accel.numpy_only():
            assert _accel.kernels() is None
        assert _accel.kernels() is None
    assert _accel.kernels() is before
    with pytest.raises(RuntimeError), _accel.numpy_only():
        raise RuntimeError("restored even after an error")
    assert _accel.kernels() is before


def test_warm_up_reports_which_code_runs(capsys):
    assert coursekit.augment.warm_up(verbose=True) == _accel.enabled()
    printed = capsys.readouterr().out
    assert printed.startswith("coursekit.augment: ")
    assert ("compiled kernels ready" in printed) == _accel.enabled()
    with _accel.numpy_only():
        assert coursekit.augment.warm_up() is False


def test_warm_up_compiles_every_kernel_and_keeps_them_in_numbas_cache():
    if not _accel.enabled():
        pytest.skip("numba is not in use")
    from coursekit.augment import _jit_colour, _jit_filters, _jit_pixels, _jit_warp

    assert coursekit.augment.warm_up()
    for module in (_jit_pixels, _jit_warp, _jit_colour, _jit_filters):
        for name in module.__all__:
            dispatcher = getattr(module, name)
            assert dispatcher.signatures, f"{module.__name__}.{name} was not compiled"
            # cache=True: compiled code is stored and loaded by later processes.
            assert type(dispatcher._cache).__name__ == "FunctionCache", name
            assert not dispatcher.targetoptions.get("fastmath"), name
            assert dispatcher.targetoptions.get("nogil"), name
    # One specialisation per dtype, however the images are viewed: no compiling per view.
    counts = [len(_jit_warp.rotate_pixels.signatures), len(_jit_pixels.gather_pixels.signatures)]
    rgb = np.zeros((9, 7, 3), dtype=np.uint8)
    for image in (rgb, rgb[..., 0].copy(), rgb / 255.0):
        for view in (image[:, ::-1], np.rot90(image), image[::-1], image[1:, 2:]):
            coursekit.augment.rotate(view, 17.0)
            coursekit.augment.flip(view, "vertical")
            coursekit.augment.rotate90(view, 3)
    after = [len(_jit_warp.rotate_pixels.signatures), len(_jit_pixels.gather_pixels.signatures)]
    assert after == counts


def test_processes_warming_up_together_take_turns(tmp_path):
    """Graders started together on a fresh install: while one holds the cache folder's lock
    (compiling), another waits instead of compiling the same kernels again."""
    import fcntl

    lock = tmp_path / "coursekit-warm-up.lock"
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path), "COURSEKIT_NO_NUMBA": "1"}
    script = "from coursekit.augment import warm_up; warm_up(); print('warmed')"
    with open(lock, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        waiting = subprocess.Popen([sys.executable, "-c", script], env=env,
                                   stdout=subprocess.PIPE, text=True)  # fmt: skip
        with pytest.raises(subprocess.TimeoutExpired):
            waiting.communicate(timeout=3)  # it waits for the lock
    out, _ = waiting.communicate(timeout=60)  # released: it goes on
    assert out.strip() == "warmed"


@pytest.mark.slow
def test_a_new_process_loads_the_kernels_from_the_cache():
    if not _accel.enabled():
        pytest.skip("numba is not in use")
    coursekit.augment.warm_up()  # compiled (and stored) here if they were not yet
    script = textwrap.dedent(
        """
        import coursekit.augment
        from coursekit.augment import _accel
        coursekit.augment.warm_up()
        kernels = _accel.kernels()
        misses = sum(sum(getattr(kernels, name).stats.cache_misses.values())
                     for name in vars(kernels))
        hits = sum(sum(getattr(kernels, name).stats.cache_hits.values())
                   for name in vars(kernels))
        print(hits, misses)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=300
    )
    hits, misses = (int(v) for v in result.stdout.split())
    assert misses == 0 and hits > 0


# --- flat_pixels ----------------------------------------------------------------------------


@st.composite
def oriented_views(draw):
    """A C-contiguous grey or RGB image seen in one of its 8 orientations, or cut."""
    rows, cols = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    shape = draw(st.sampled_from([(rows, cols), (rows, cols, 3), (rows, cols, 1)]))
    dtype = draw(st.sampled_from([np.uint8, np.float64]))
    image = draw(hnp.arrays(dtype, shape, elements=st.integers(0, 1)))
    image[...] = np.arange(image.size).reshape(shape) % 251  # every value tells its place
    turns = draw(st.integers(0, 3))
    view = np.rot90(image, turns)
    if draw(st.booleans()):
        view = view[:, ::-1]
    cut = draw(st.sampled_from(["none", "crop", "step", "channel"]))
    if cut == "crop" and min(view.shape[:2]) >= 2:
        view = view[1:, :-1]
    elif cut == "step" and view.shape[1] >= 3:
        view = view[:, ::2]
    elif cut == "channel" and view.ndim == 3 and view.shape[2] == 3:
        view = view[..., 1]
    return view


@given(oriented_views())
def test_flat_pixels_find_every_value_of_a_turned_or_mirrored_image(view):
    described = _kernels.flat_pixels(view)
    if described is None:
        # Only views whose values do not fill one block in some orientation are refused.
        base = view.base if view.base is not None else view
        assert view.size < base.size
        return
    flat, offset, row_step, col_step, channels = described
    assert flat.ndim == 1 and np.shares_memory(flat, view)
    rows, cols = view.shape[:2]
    i, j, k = np.meshgrid(np.arange(rows), np.arange(cols), np.arange(channels), indexing="ij")
    found = flat[offset + i * row_step + j * col_step + k]
    np.testing.assert_array_equal(found, view.reshape(rows, cols, channels))


def test_kernels_are_compiled_without_the_cache_where_numba_cannot_keep_one(monkeypatch):
    pytest.importorskip("numba")
    from coursekit.augment import _jit

    real_njit, calls = _jit.numba.njit, []

    def njit(**options):
        calls.append(options)
        if options.get("cache"):  # what numba raises when no cache folder is writable
            raise RuntimeError("cannot cache function 'add_one': no locator available")
        return real_njit(**options)

    monkeypatch.setattr(_jit, "numba", types.SimpleNamespace(njit=njit))

    def add_one(x):
        return x + 1

    assert _jit.jit(add_one)(41) == 42
    assert calls == [{"cache": True, "nogil": True}, {"nogil": True}]
