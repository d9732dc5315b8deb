"""Isolation of student code by the operating system, wherever a grade is made.

A student who has read the grader's source is hostile: the code in a submission
runs here (in the student process, :mod:`coursekit.grading.student`) only after
:func:`enter` has shut it in. The layers, each made for the job and each checked
at run time (:func:`probe`), are applied in this order in the student process,
a fork of the warm zygote, before the first student statement runs:

1. **cgroup** (v2 where delegated, v1 as root): the memory of the whole process
   tree, and its number of processes, are bounded together; the tree is killed
   as a whole when its submission is done.
2. **identity**: as root, the process takes a uid and gid of its own
   (:func:`sandbox_id`: one per student process, in a range no distribution
   allocates; no supplementary groups), so that no two student processes, and no
   service of the machine, share a process budget or may signal each other.
3. **namespaces** (user, mount, PID, network, IPC, UTS): the student's process
   is PID 1 of its own PID namespace (when it ends, the kernel kills everything
   it started; it sees no other process), has no network interface but a
   loopback that is down, and a private filesystem view: a read-only tmpfs root
   holding read-only binds of the Python environment, the sandbox's copy of the
   kit (:mod:`coursekit.grading.withhold`: the assignment's reference
   implementations left out), the data cache and the system libraries, a fresh
   ``/proc``, a minimal ``/dev``, and one writable, size-limited tmpfs,
   ``/scratch`` (also ``HOME`` and ``TMPDIR``), gone when the process ends.
   The repository, ``autograder/``, ``solutions/``, the class folder, other
   students' files and ``$HOME`` are simply not there.
4. **capabilities** dropped (bounding set, effective, permitted, inheritable)
   and ``PR_SET_NO_NEW_PRIVS``.
5. **Landlock** (ABI >= 1): reads only below the allowed paths, writes only in
   the scratch folder; ABI >= 4: no TCP bind or connect; ABI >= 6: no signal
   to, and no abstract UNIX socket of, any process outside the sandbox.
   Landlock also forbids ptrace and ``/proc/<pid>/{fd,environ,mem,cwd}`` of
   processes outside the sandbox.
6. **seccomp**: sockets of any family but ``AF_UNIX`` refused (no TCP, UDP,
   raw or netlink), and the system calls that could undo the layers above or
   reach other processes (ptrace, process_vm_*, mount, unshare, setns,
   pidfd_getfd, bpf, perf_event_open, keyrings, io_uring, userfaultfd, module
   and kexec calls) refused.
7. **rlimits**: address space per process, file size, no core dumps, CPU time
   per check, number of processes (counted per user by the kernel: the sandbox's
   own uid as root, its own user namespace otherwise, so that student processes
   graded at once never share one budget).

The environment of the student process is built from an allow-list
(:func:`coursekit.grading.session.student_environment`): no token, no variable
set for other tools.

Threat table (attack class → layers that stop it → test in
``tests/test_grading_attacks.py``)::

    forged result via /proc/<grader>/fd, frames, nonce   PID ns, mount ns, Landlock ptrace rules;
                                                           results decided and clamped grader-side
                                                           → test_forged_result_channel
    hidden tests / solutions read from disk               mount ns view, Landlock read rules
                                                           → test_hidden_tests_unreadable
    network to a listener (TCP, UDP)                      net ns, seccomp, Landlock net rules
                                                           → test_network_refused
    writes outside (site-packages .pth, __pycache__,      read-only binds, Landlock write rules,
      numba cache, autograder/, other notebooks)           sandbox kit copy → test_writes_outside
    kill of the grader, the parent or another student     PID ns, Landlock scoping
                                                           → test_kill_grader_and_parent
    escaped (setsid, double fork) processes               PID ns (init's death kills all), cgroup
                                                           → test_escaped_process_dies
    environment secrets (tokens)                          environment allow-list; PID ns hides
                                                           /proc/<ancestor>/environ
                                                           → test_environment
    answers: private helpers, closures, reload, exec of   references withheld from the sandbox kit,
      the source, gc, subprocess, solutions/            checks package replaced → test_answers_*
    memory across forks, process count, disk              cgroup (memory, pids), RLIMIT_NPROC
                                                           of the sandbox's own uid, tmpfs size,
                                                           RLIMIT_FSIZE → test_resources,
                                                           tests/test_sandbox_budgets.py
    symlinked submissions, ANSI escapes in reports        parent refuses links; reports strip
                                                           control characters → test_reports_*

Where a layer is missing (an old kernel, no user namespaces, macOS), grading
says which layers are in force in every report, and refuses to grade with less
than (namespaces or Landlock) plus no network (network namespace or seccomp)
unless the instructor passes ``--trust-submissions``. A student's own
``coursekit check`` runs the student's code for the student and applies none.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import platform
import resource
import signal
import stat
import sys
import time
from dataclasses import asdict, dataclass

__all__ = [
    "Layers",
    "Policy",
    "IsolationUnavailable",
    "probe",
    "plan",
    "enter",
    "describe",
    "SCRATCH",
]

#: Where the writable scratch folder is, inside the private filesystem view.
SCRATCH = "/scratch"
#: Exit status of a student process whose sandbox could not be set up.
SETUP_FAILED = 71
#: First uid (and gid) of the sandboxes of a root grader: systemd's "unused" range
#: 0x70000000-0x7FFEFFFF, above every range a distribution or container tool allocates.
SANDBOX_ID_BASE = 0x70000000


class IsolationUnavailable(RuntimeError):
    """The machine lacks the layers needed to grade untrusted code."""


# -- system calls ----------------------------------------------------------------------------
_libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
_ARCH = platform.machine()
_NR = {
    # name: (x86_64, aarch64)
    "pivot_root": (155, 41),
    "landlock_create_ruleset": (444, 444),
    "landlock_add_rule": (445, 445),
    "landlock_restrict_self": (446, 446),
    "socket": (41, 198),
    "ptrace": (101, 117),
    "process_vm_readv": (310, 270),
    "process_vm_writev": (311, 271),
    "mount": (165, 40),
    "umount2": (166, 39),
    "unshare": (272, 97),
    "setns": (308, 268),
    "bpf": (321, 280),
    "perf_event_open": (298, 241),
    "keyctl": (250, 219),
    "add_key": (248, 217),
    "request_key": (249, 218),
    "userfaultfd": (323, 282),
    "io_uring_setup": (425, 425),
    "io_uring_enter": (426, 426),
    "io_uring_register": (427, 427),
    "pidfd_getfd": (438, 438),
    "open_by_handle_at": (304, 265),
    "kexec_load": (246, 104),
    "init_module": (175, 105),
    "finit_module": (313, 273),
    "delete_module": (176, 106),
    "chroot": (161, 51),
    "fsopen": (430, 430),
    "fsmount": (432, 432),
    "move_mount": (429, 429),
    "open_tree": (428, 428),
    "mount_setattr": (442, 442),
}
_AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}


def _nr(name: str) -> int | None:
    pair = _NR.get(name)
    if pair is None or _ARCH not in ("x86_64", "aarch64"):
        return None
    return pair[0] if _ARCH == "x86_64" else pair[1]


def _check(result: int, what: str) -> int:
    if result < 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")
    return result


CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MS_NOATIME, MS_NODIRATIME, MS_RELATIME = 1024, 2048, 1 << 21
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS, PR_CAPBSET_DROP = 1, 38, 24
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
PR_SET_DUMPABLE = 4


def _mount(source, target, fstype, flags, data=None) -> None:
    _check(
        _libc.mount(
            None if source is None else os.fsencode(source),
            os.fsencode(target),
            None if fstype is None else fstype.encode(),
            ctypes.c_ulong(flags),
            None if data is None else data.encode(),
        ),
        f"mount {source} on {target}",
    )


def _unshare(flags: int) -> None:
    _check(_libc.unshare(flags), "unshare")


# -- what the machine offers -----------------------------------------------------------------
@dataclass(frozen=True)
class Layers:
    """The isolation layers a machine offers, or that are in force.

    Attributes
    ----------
    namespaces : bool
        User, mount, PID, network, IPC and UTS namespaces.
    landlock_abi : int
        Landlock ABI (0: none). >= 4 adds TCP rules, >= 6 signal and socket scoping.
    seccomp : bool
        A seccomp filter (Linux on x86-64 or ARM64).
    cgroup : str
        ``"v2"``, ``"v1"`` or ``""``: memory and process limits of the whole tree.
    identity : str
        The identity student code runs as, e.g. ``"uid 1000, no capabilities"``.
    """

    namespaces: bool = False
    landlock_abi: int = 0
    seccomp: bool = False
    cgroup: str = ""
    identity: str = ""

    @property
    def sufficient(self) -> bool:
        """Namespaces or Landlock, plus no network (a network namespace or seccomp)."""
        return (self.namespaces or self.landlock_abi >= 1) and (self.namespaces or self.seccomp)

    def missing(self) -> list[str]:
        """What keeps these layers from being :attr:`sufficient`, in words."""
        out = []
        if not (self.namespaces or self.landlock_abi >= 1):
            out.append("neither user namespaces nor Landlock (Linux >= 5.13)")
        if not (self.namespaces or self.seccomp):
            out.append("no way to cut the network (network namespace or seccomp)")
        return out

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Layers:
        return cls(**{k: data[k] for k in ("namespaces", "landlock_abi", "seccomp", "cgroup",
                                            "identity") if k in data})  # fmt: skip


def describe(layers: Layers | None) -> str:
    """One line naming the layers in force, as every report prints it."""
    if layers is None:
        return "none (student code ran without isolation: --trust-submissions or a local check)"
    parts = []
    if layers.namespaces:
        parts.append("namespaces (user, mount, pid, net, ipc)")
    if layers.landlock_abi:
        what = ["fs"] + (["tcp"] if layers.landlock_abi >= 4 else [])
        what += ["signals"] if layers.landlock_abi >= 6 else []
        parts.append(f"landlock ABI {layers.landlock_abi} ({', '.join(what)})")
    if layers.seccomp:
        parts.append("seccomp")
    if layers.cgroup:
        parts.append(f"cgroup {layers.cgroup} (memory, pids)")
    parts.append("rlimits")
    if layers.identity:
        parts.append(f"as {layers.identity}")
    return " + ".join(parts)


def landlock_abi() -> int:
    """The kernel's Landlock ABI version (0 where Landlock is missing or disabled)."""
    nr = _nr("landlock_create_ruleset")
    if nr is None or sys.platform != "linux":
        return 0
    result = _libc.syscall(nr, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    return max(0, int(result))


def _userns_works() -> bool:
    """Whether this process may create the namespaces (tried in a throw-away child)."""
    if sys.platform != "linux":
        return False
    pid = os.fork()
    if pid == 0:
        code = 1
        try:  # what enter() does: root needs no user namespace, others do
            flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
            _unshare(flags if os.geteuid() == 0 else flags | CLONE_NEWUSER)
            code = 0
        except BaseException:  # noqa: BLE001 - any failure means "not available"
            code = 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def _cgroup_root() -> tuple[str, str]:
    """``(kind, folder)`` under which this process may make cgroups, or ``("", "")``."""
    if sys.platform != "linux":
        return "", ""
    try:
        with open("/proc/self/cgroup") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return "", ""
    for line in lines:
        if line.startswith("0::"):
            base = "/sys/fs/cgroup" + line[3:].rstrip("/")
            for candidate in (base, "/sys/fs/cgroup"):
                try:
                    with open(os.path.join(candidate, "cgroup.controllers")) as handle:
                        controllers = handle.read().split()
                except OSError:
                    continue
                if {"memory", "pids"} <= set(controllers) and os.access(candidate, os.W_OK):
                    return "v2", candidate
    memory, pids = "/sys/fs/cgroup/memory", "/sys/fs/cgroup/pids"
    if os.path.isdir(memory) and os.path.isdir(pids) and os.access(memory, os.W_OK) \
            and os.access(pids, os.W_OK):  # fmt: skip
        return "v1", "/sys/fs/cgroup"
    return "", ""


_PROBED: Layers | None = None


def probe() -> Layers:
    """The layers this machine offers to this process (probed once per process)."""
    global _PROBED
    if _PROBED is None:
        root = sys.platform == "linux" and os.geteuid() == 0
        namespaces = _userns_works()
        _PROBED = Layers(
            namespaces=namespaces,
            landlock_abi=landlock_abi(),
            seccomp=sys.platform == "linux" and _ARCH in _AUDIT_ARCH,
            cgroup=_cgroup_root()[0],
            identity=(
                f"a uid of its own per student process (from {SANDBOX_ID_BASE}), "
                "no capabilities"
                if root
                else (f"uid {os.geteuid()}, no capabilities" if sys.platform == "linux" else "")
            ),
        )
    return _PROBED


# -- the policy --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Policy:
    """What the student process may reach.

    Attributes
    ----------
    read_paths : tuple of str
        Folders and files readable (read-only) inside the sandbox: the Python
        environment, the sandbox kit, the data cache. System libraries are added.
    memory_mb : int
        Memory of the whole process tree (cgroup), and address space per process.
    max_processes : int
        Processes and threads of the tree.
    scratch_mb : int
        Size of the writable scratch folder.
    file_size_mb : int
        Largest file the code may write.
    """

    read_paths: tuple[str, ...] = ()
    memory_mb: int = 2048
    max_processes: int = 32
    scratch_mb: int = 256
    file_size_mb: int = 64


SYSTEM_PATHS = ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32")
ETC_FILES = (
    "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime",
    "/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/fonts", "/etc/alternatives",
    "/etc/mime.types", "/etc/os-release",
)  # fmt: skip
DEV_FILES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")


def plan(trust: bool) -> Layers | None:
    """The layers to apply, or None with ``trust`` where none can be (refused otherwise).

    Raises
    ------
    IsolationUnavailable
        When the machine offers less than the minimum and ``trust`` is false.
    """
    layers = probe()
    if not layers.sufficient:
        if trust:
            return None if not (layers.landlock_abi or layers.seccomp) else layers
        raise IsolationUnavailable(
            "refusing to run untrusted student code: this machine offers "
            + "; ".join(layers.missing())
            + ". Grade on Linux >= 5.13 with user namespaces or Landlock, or pass "
            "--trust-submissions to grade without isolation (only for code you trust)."
        )
    return layers


# -- entering the sandbox ---------------------------------------------------------------------
def _existing(paths) -> list[str]:
    seen, out = set(), []
    for path in paths:
        if not path:
            continue
        real = os.path.abspath(path)
        if real in seen or not os.path.lexists(real):
            continue
        seen.add(real)
        out.append(real)
    return out


def _join_cgroup(policy: Policy, tag: str) -> None:
    kind, base = _cgroup_root()
    name = _cgroup_name(os.getpid(), tag)
    memory = str(policy.memory_mb * 1024 * 1024)
    if kind == "v2":
        folder = os.path.join(base, name)
        os.makedirs(folder, exist_ok=True)
        for key, value in (("memory.max", memory), ("memory.swap.max", "0"),
                           ("pids.max", str(policy.max_processes))):  # fmt: skip
            try:
                with open(os.path.join(folder, key), "w") as handle:
                    handle.write(value)
            except OSError:
                if key != "memory.swap.max":
                    raise
        with open(os.path.join(folder, "cgroup.procs"), "w") as handle:
            handle.write("0")
    elif kind == "v1":
        for controller, key, value in (
            ("memory", "memory.limit_in_bytes", memory),
            ("pids", "pids.max", str(policy.max_processes)),
        ):
            folder = os.path.join(base, controller, name)
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, key), "w") as handle:
                handle.write(value)
            with open(os.path.join(folder, "cgroup.procs"), "w") as handle:
                handle.write("0")


def _cgroup_name(pid: int, tag: str) -> str:
    return f"coursekit-{pid}-{tag}"[:200]


def remove_cgroups(pid: int, tag: str) -> None:
    """Kill what is left in the cgroups of student process ``pid`` (spawned with ``tag``).

    The exact name, never a prefix: pids are reused, and another grader's student may
    have this one's old pid.
    """
    kind, base = _cgroup_root()
    if not kind:
        return
    name = _cgroup_name(pid, tag)
    parents = [base] if kind == "v2" else [os.path.join(base, c) for c in ("memory", "pids")]
    folders = [os.path.join(p, name) for p in parents if os.path.isdir(os.path.join(p, name))]
    for folder in folders:
        for _ in range(50):
            try:
                if kind == "v2" and os.path.exists(os.path.join(folder, "cgroup.kill")):
                    with open(os.path.join(folder, "cgroup.kill"), "w") as handle:
                        handle.write("1")
                with open(os.path.join(folder, "cgroup.procs")) as handle:
                    pids = [int(p) for p in handle.read().split()]
            except OSError:
                break
            if not pids:
                break
            for member in pids:  # (a v1 hierarchy has no cgroup.kill)
                try:
                    os.kill(member, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.01)
        for _ in range(100):  # the kernel frees a cgroup a moment after its last process
            try:
                os.rmdir(folder)
                break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(0.01)


def sweep_cgroups() -> None:
    """Remove every empty cgroup a student process left (when that process is gone)."""
    kind, base = _cgroup_root()
    if not kind:
        return
    parents = [base] if kind == "v2" else [os.path.join(base, c) for c in ("memory", "pids")]
    for parent in parents:
        try:
            names = [n for n in os.listdir(parent) if n.startswith("coursekit-")]
        except OSError:
            continue
        for name in names:
            pid = name.split("-")[1] if name.count("-") >= 2 else ""
            if pid.isdigit() and os.path.exists(f"/proc/{pid}"):
                continue  # its student process lives (it may be setting the cgroup up)
            try:
                os.rmdir(os.path.join(parent, name))
            except OSError:
                pass  # still in use


def _write(path: str, text: str) -> None:
    with open(path, "w") as handle:
        handle.write(text)


def sandbox_id(pid: int) -> int:
    """The uid and gid a root grader gives the student process whose (host) pid is ``pid``.

    Pids of live processes differ and are below ``pid_max`` (at most 2**22), so the
    ids of live sandboxes differ: each has its own ``RLIMIT_NPROC`` count (the kernel
    counts processes per user) and none may signal another.
    """
    return SANDBOX_ID_BASE + pid


def _drop_identity(ident: int) -> None:
    os.setgroups([])
    os.setresgid(ident, ident, ident)
    os.setresuid(ident, ident, ident)


def _flags_of(path: str) -> int:
    """Mount flags that must be kept when a bind of ``path`` is made read-only."""
    f = os.statvfs(path).f_flag
    flags = 0
    for st_flag, ms_flag in ((os.ST_NOSUID, MS_NOSUID), (os.ST_NODEV, MS_NODEV),
                             (os.ST_NOEXEC, MS_NOEXEC), (os.ST_NOATIME, MS_NOATIME),
                             (os.ST_NODIRATIME, MS_NODIRATIME), (os.ST_RELATIME, MS_RELATIME)):
        if f & st_flag:
            flags |= ms_flag
    return flags


def _bind(source: str, target: str, *, writable: bool = False) -> None:
    if os.path.isdir(source):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if not os.path.exists(target):
            os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o644))
    _mount(source, target, None, MS_BIND | MS_REC)
    flags = MS_REMOUNT | MS_BIND | MS_NOSUID | _flags_of(target)
    if not writable:
        flags |= MS_RDONLY
    try:
        _mount(None, target, None, flags)
    except OSError:
        if not writable:
            raise


def _private_view(paths: list[str], workdir: str, policy: Policy) -> None:
    """Pivot into a read-only tmpfs root holding only ``paths``, /proc, /dev, /scratch."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    root = workdir
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=16m,mode=0755")
    for path in sorted(paths):
        if os.path.islink(path) and os.path.dirname(path) == "/":
            os.symlink(os.readlink(path), root + path)  # /lib -> usr/lib on a merged /usr
            continue
        _bind(path, root + path, writable=path in DEV_FILES)
    os.makedirs(root + SCRATCH, exist_ok=True)
    _mount("tmpfs", root + SCRATCH, "tmpfs", MS_NOSUID | MS_NODEV,
           f"size={int(policy.scratch_mb)}m,mode=0777")  # fmt: skip
    os.makedirs(root + "/dev/shm", exist_ok=True)
    _mount("tmpfs", root + "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
           "size=64m,mode=1777")  # fmt: skip
    if not os.path.lexists(root + "/tmp"):  # (a data cache under /tmp is bound there already)
        os.symlink(SCRATCH, root + "/tmp")
    os.makedirs(root + "/proc", exist_ok=True)
    try:
        _mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    except OSError:
        pass  # a container that hides parts of /proc: leave the view without one
    os.makedirs(root + "/.old", exist_ok=True)
    nr = _nr("pivot_root")
    _check(_libc.syscall(nr, os.fsencode(root), os.fsencode(root + "/.old")), "pivot_root")
    os.chdir("/")
    _check(_libc.umount2(b"/.old", MNT_DETACH), "umount old root")
    os.rmdir("/.old")
    _mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    os.chdir(SCRATCH)


def _drop_capabilities() -> None:
    for cap in range(64):
        if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 and ctypes.get_errno() == errno.EINVAL:
            break

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]  # fmt: skip

    header = Header(0x20080522, 0)
    data = (Data * 2)()
    _check(_libc.capset(ctypes.byref(header), data), "capset")


# Landlock ----------------------------------------------------------------------------------
_LL_FS = {
    "execute": 1 << 0, "write_file": 1 << 1, "read_file": 1 << 2, "read_dir": 1 << 3,
    "remove_dir": 1 << 4, "remove_file": 1 << 5, "make_char": 1 << 6, "make_dir": 1 << 7,
    "make_reg": 1 << 8, "make_sock": 1 << 9, "make_fifo": 1 << 10, "make_block": 1 << 11,
    "make_sym": 1 << 12, "refer": 1 << 13, "truncate": 1 << 14, "ioctl_dev": 1 << 15,
}  # fmt: skip


def _fs_rights(abi: int) -> int:
    rights = (1 << 13) - 1
    if abi >= 2:
        rights |= _LL_FS["refer"]
    if abi >= 3:
        rights |= _LL_FS["truncate"]
    if abi >= 5:
        rights |= _LL_FS["ioctl_dev"]
    return rights


def _landlock(abi: int, readable: list[str], writable: list[str]) -> None:
    class RulesetAttr(ctypes.Structure):
        _fields_ = [("fs", ctypes.c_uint64), ("net", ctypes.c_uint64),
                    ("scoped", ctypes.c_uint64)]  # fmt: skip

    class PathBeneath(ctypes.Structure):
        _pack_ = 1
        _fields_ = [("allowed", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]

    handled = _fs_rights(abi)
    attr = RulesetAttr(handled, 0, 0)
    size = 8
    if abi >= 4:
        attr.net, size = 0b11, 16  # bind and connect TCP: handled, never allowed
    if abi >= 6:
        attr.scoped, size = 0b11, 24  # abstract UNIX sockets and signals
    ruleset = _check(
        _libc.syscall(_nr("landlock_create_ruleset"), ctypes.byref(attr), ctypes.c_size_t(size),
                      ctypes.c_uint32(0)), "landlock_create_ruleset")  # fmt: skip
    read = _LL_FS["execute"] | _LL_FS["read_file"] | _LL_FS["read_dir"]
    file_only = _LL_FS["execute"] | _LL_FS["read_file"] | _LL_FS["write_file"]
    file_only |= _LL_FS["truncate"] if abi >= 3 else 0
    file_only |= _LL_FS["ioctl_dev"] if abi >= 5 else 0
    try:
        for paths, rights in ((readable, read), (writable, handled)):
            for path in paths:
                try:
                    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
                except OSError:
                    continue
                try:
                    allowed = rights
                    if not stat.S_ISDIR(os.fstat(fd).st_mode):
                        allowed &= file_only
                    rule = PathBeneath(allowed, fd)
                    _check(_libc.syscall(_nr("landlock_add_rule"), ruleset, 1, ctypes.byref(rule),
                                         0), f"landlock_add_rule {path}")  # fmt: skip
                finally:
                    os.close(fd)
        _check(_libc.syscall(_nr("landlock_restrict_self"), ruleset, 0), "landlock_restrict_self")
    finally:
        os.close(ruleset)


# seccomp -----------------------------------------------------------------------------------
_DENIED = (
    "ptrace", "process_vm_readv", "process_vm_writev", "mount", "umount2", "pivot_root",
    "unshare", "setns", "bpf", "perf_event_open", "keyctl", "add_key", "request_key",
    "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register", "pidfd_getfd",
    "open_by_handle_at", "kexec_load", "init_module", "finit_module", "delete_module", "chroot",
    "fsopen", "fsmount", "move_mount", "open_tree", "mount_setattr",
)  # fmt: skip


def _seccomp() -> None:
    class Filter(ctypes.Structure):
        _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8),
                    ("k", ctypes.c_uint32)]  # fmt: skip

    class Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(Filter))]

    ld, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06
    allow, kill = 0x7FFF0000, 0x80000000
    eperm, eacces = 0x00050000 | errno.EPERM, 0x00050000 | errno.EACCES
    program = [
        (ld, 0, 0, 4),
        (jeq, 1, 0, _AUDIT_ARCH[_ARCH]),
        (ret, 0, 0, kill),
        (ld, 0, 0, 0),
    ]
    if _ARCH == "x86_64":  # the x32 ABI's numbers would slip past the table
        program += [(jge, 0, 1, 0x40000000), (ret, 0, 0, eperm)]
    for name in _DENIED:
        program += [(jeq, 0, 1, _nr(name)), (ret, 0, 0, eperm)]
    # socket(): AF_UNIX (1) only; any other call falls through to the final allow.
    program += [
        (jeq, 0, 4, _nr("socket")),
        (ld, 0, 0, 16),  # args[0], the address family (low 32 bits)
        (jeq, 0, 1, 1),
        (ret, 0, 0, allow),
        (ret, 0, 0, eacces),
        (ret, 0, 0, allow),
    ]
    filters = (Filter * len(program))(*[Filter(*p) for p in program])
    prog = Program(len(program), filters)
    _check(_libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0), "seccomp")


def _count_own_tasks(uid: int) -> int:
    """Processes and threads of ``uid`` (what ``RLIMIT_NPROC`` counts)."""
    count = 0
    try:
        for name in os.listdir("/proc"):
            if name.isdigit():
                try:
                    if os.stat(f"/proc/{name}").st_uid == uid:
                        count += len(os.listdir(f"/proc/{name}/task"))
                except OSError:
                    pass
    except OSError:
        pass
    return count


def _rlimits(policy: Policy, shared_uid: bool) -> None:
    """Address space, file size, core dumps and processes of this process.

    ``shared_uid``: the process runs as a user that other processes run as too (a
    non-root grader without user namespaces); its budget then starts from what that
    user runs already, and is shared with it.
    """
    limit = policy.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    size = policy.file_size_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-large write fails instead of killing
    processes = policy.max_processes
    if shared_uid:  # RLIMIT_NPROC counts every process and thread of the uid
        processes += _count_own_tasks(os.getuid())
    resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))


def enter(layers: Layers | None, policy: Policy, workdir: str, tag: str = "") -> None:
    """Shut this process in (see the module docstring); returns in the sandboxed process.

    With namespaces the calling process forks once more: the child, PID 1 of the
    new PID namespace, returns from here; the caller waits for it and exits with
    its status, so that killing the caller's process group ends the sandbox.

    Parameters
    ----------
    layers : Layers or None
        The layers to apply (:func:`plan`); None applies only the rlimits.
    policy : Policy
        Paths, memory, processes and disk.
    workdir : str
        A private, empty folder of the grader's (mount point of the new root).
    tag : str
        Names the cgroup.
    """
    if layers is None:
        _rlimits(policy, shared_uid=True)
        return
    readable = _existing([*policy.read_paths, *SYSTEM_PATHS, *ETC_FILES])
    if layers.cgroup:
        _join_cgroup(policy, tag)
    root = os.geteuid() == 0
    ident = sandbox_id(os.getpid())  # (before the fork into a PID namespace)
    own_uid = False  # (root without namespaces may stay uid 0: see below)
    if layers.namespaces:
        flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
        uid, gid = os.getuid(), os.getgid()
        # Root needs no user namespace for the others, and takes the sandbox's own uid after
        # the view is built (paths under /root stay reachable until then); others map their
        # own uid in a user namespace of their own, which counts its processes apart.
        _unshare(flags if root else flags | CLONE_NEWUSER)
        if not root:
            _write("/proc/self/setgroups", "deny")
            _write("/proc/self/uid_map", f"{uid} {uid} 1")
            _write("/proc/self/gid_map", f"{gid} {gid} 1")
        child = os.fork()
        if child:
            _wait_and_exit(child)
        _private_view(readable + _existing(DEV_FILES), workdir, policy)
        if root:
            _drop_identity(ident)
        own_uid = True
        readable = ["/"]
        writable = [SCRATCH, "/dev/shm", *[d for d in DEV_FILES if os.path.exists(d)]]
    else:
        if root:
            own_uid = _drop_identity_if_traversable(readable, workdir, ident)
        writable = [workdir, *[d for d in DEV_FILES if os.path.exists(d)]]
        readable = readable + ["/proc", "/dev/shm"]
    _rlimits(policy, shared_uid=not own_uid)
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    _drop_capabilities()
    if layers.landlock_abi:
        _landlock(layers.landlock_abi, readable, writable)
    if layers.seccomp:
        _seccomp()
    # Last: a change of credentials above would have cleared it.
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _wait_and_exit(child: int) -> None:
    """The caller of :func:`enter`: wait for the sandbox's PID 1, leave with its status."""
    while True:
        try:
            _, status = os.waitpid(child, 0)
            break
        except InterruptedError:
            continue
        except ChildProcessError:
            os._exit(SETUP_FAILED)
    os._exit(os.waitstatus_to_exitcode(status) & 0xFF)


def _drop_identity_if_traversable(paths: list[str], workdir: str, ident: int) -> bool:
    """As root without namespaces: take uid ``ident`` where it can still reach the paths."""
    for path in paths:
        current = os.path.dirname(os.path.abspath(path))
        while current and current != "/":
            if not os.stat(current).st_mode & stat.S_IXOTH:
                return False  # e.g. a Python under /root: stay uid 0, without capabilities
            current = os.path.dirname(current)
    os.chown(workdir, ident, ident)
    _drop_identity(ident)
    return True
