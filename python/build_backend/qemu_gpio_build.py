# SPDX-License-Identifier: LGPL-2.1-or-later
"""The build backend of the qemu-gpio package (PEP 517, PEP 660).

The package is pure Python, so a wheel is a zip of its modules and three
metadata files.  Building it here, with the standard library only, means
that ``pip install ./python`` needs nothing that a new virtual
environment lacks: no setuptools, no wheel, no network.  The metadata
comes from pyproject.toml's [project] table.
"""

import base64
import hashlib
import io
import os
import tarfile
import zipfile

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11: get_requires_* ask for tomli
    tomllib = None

SOURCE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TAG = "py3-none-any"
# Archive members get a fixed date, so that a build is reproducible.
EPOCH = (2020, 1, 1, 0, 0, 0)
EPOCH_SECONDS = 1577836800


def _project():
    loader = tomllib
    if loader is None:
        import tomli as loader
    with open(os.path.join(SOURCE, "pyproject.toml"), "rb") as f:
        return loader.load(f)["project"]


def _dist_name(project):
    """The name as wheel and sdist file names spell it (PEP 427)."""
    return project["name"].replace("-", "_")


def _metadata(project):
    """The core metadata (METADATA, PKG-INFO), version 2.1."""
    with open(os.path.join(SOURCE, project["readme"]), encoding="utf-8") as f:
        readme = f.read()
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {project['name']}",
        f"Version: {project['version']}",
        f"Summary: {project['description']}",
        f"License: {project['license']['text']}",
        f"Requires-Python: {project['requires-python']}",
    ]
    lines += [f"Requires-Dist: {d}" for d in project.get("dependencies", [])]
    lines += ["Description-Content-Type: text/markdown", "", readme]
    return "\n".join(lines)


def _modules():
    """(path in the wheel, path on disk) of each file of the package."""
    files = []
    for top in ("qemu_gpio",):
        for d, dirs, names in os.walk(os.path.join(SOURCE, top)):
            dirs[:] = sorted(x for x in dirs if x != "__pycache__")
            for n in sorted(names):
                if n.endswith(".pyc"):
                    continue
                path = os.path.join(d, n)
                files.append((os.path.relpath(path, SOURCE), path))
    return files


class _Wheel:
    """A wheel being written, with its RECORD."""

    def __init__(self, path):
        self.zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED)
        self.record = []

    def add(self, name, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        info = zipfile.ZipInfo(name, EPOCH)
        info.external_attr = 0o644 << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        self.zip.writestr(info, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest())
        self.record.append(f"{name},sha256={digest.rstrip(b'=').decode()},"
                           f"{len(data)}")

    def close(self, dist_info):
        record = f"{dist_info}/RECORD"
        self.record.append(f"{record},,")
        info = zipfile.ZipInfo(record, EPOCH)
        info.external_attr = 0o644 << 16
        self.zip.writestr(info, "\n".join(self.record) + "\n")
        self.zip.close()


def _write_dist_info(wheel, project, dist_info):
    wheel.add(f"{dist_info}/METADATA", _metadata(project))
    wheel.add(f"{dist_info}/WHEEL",
              "Wheel-Version: 1.0\nGenerator: qemu_gpio_build\n"
              f"Root-Is-Purelib: true\nTag: {TAG}\n")


def _build(wheel_directory, editable):
    project = _project()
    name = f"{_dist_name(project)}-{project['version']}"
    filename = f"{name}-{TAG}.whl"
    wheel = _Wheel(os.path.join(wheel_directory, filename))
    try:
        if editable:
            # The source directory on sys.path, through a .pth file.
            wheel.add(f"__editable__.{name}.pth", SOURCE + "\n")
        else:
            for arcname, path in _modules():
                with open(path, "rb") as f:
                    wheel.add(arcname.replace(os.sep, "/"), f.read())
        _write_dist_info(wheel, project, f"{name}.dist-info")
    finally:
        wheel.close(f"{name}.dist-info")
    return filename


def _requires():
    return [] if tomllib is not None else ["tomli"]


def get_requires_for_build_wheel(config_settings=None):
    return _requires()


def get_requires_for_build_sdist(config_settings=None):
    return _requires()


def get_requires_for_build_editable(config_settings=None):
    return _requires()


def build_wheel(wheel_directory, config_settings=None,
                metadata_directory=None):
    return _build(wheel_directory, editable=False)


def build_editable(wheel_directory, config_settings=None,
                   metadata_directory=None):
    return _build(wheel_directory, editable=True)


def build_sdist(sdist_directory, config_settings=None):
    """The source tree as pip or a distribution would unpack it."""
    project = _project()
    name = f"{_dist_name(project)}-{project['version']}"
    filename = f"{name}.tar.gz"
    members = ["pyproject.toml", project["readme"],
               "build_backend/qemu_gpio_build.py"]
    members += [arcname for arcname, _ in _modules()]
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz",
                      format=tarfile.PAX_FORMAT) as tar:
        for arcname in members:
            info = tar.gettarinfo(os.path.join(SOURCE, arcname),
                                  f"{name}/{arcname}")
            info.mtime = EPOCH_SECONDS
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            with open(os.path.join(SOURCE, arcname), "rb") as f:
                tar.addfile(info, f)
        pkg_info = _metadata(project).encode("utf-8")
        info = tarfile.TarInfo(f"{name}/PKG-INFO")
        info.size = len(pkg_info)
        info.mtime = EPOCH_SECONDS
        tar.addfile(info, io.BytesIO(pkg_info))
    return filename
