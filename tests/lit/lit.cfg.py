# tests/lit/lit.cfg.py: lit configuration for wsecc's FileCheck tests of the
# driver, every pass, the diagnostics, the targets and the simulator's error
# paths.
#
# It is loaded by the lit.site.cfg.py that CMake generates in the build
# directory (tests/lit/lit.site.cfg.py.in), which sets the tool paths below.
# Every file ending in .test, .wdl or .wir outside Inputs/ is a test; its RUN:
# lines run in lit's internal shell with these substitutions:
#   %wsecc %wsesim  the binaries of this build
#   %python         a Python 3 that has numpy
#   %examples       the source examples/ directory
#   %golden         the source tests/golden/ directory
#   %t %s %S        lit's usual: a per-test temporary path, the test file, its directory
import os
import lit.formats

config.name = "wsecc"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".test", ".wdl", ".wir"]
config.excludes = ["Inputs", "lit.cfg.py", "lit.site.cfg.py.in", "extract.py", "table.py", "svgcheck.py"]
config.test_source_root = os.path.dirname(__file__)

if not hasattr(config, "wsecc"):
    lit_config.fatal("run lit on the build directory (BUILD/tests/lit), not on the source tree: "
                     "the tool paths come from the lit.site.cfg.py that CMake generates there")

path = [config.llvm_bin, getattr(config, "not_bin", config.llvm_bin),
        config.environment.get("PATH", os.environ.get("PATH", ""))]
config.environment["PATH"] = os.pathsep.join(path)
# diagnostics must not depend on the user's terminal or locale
config.environment["LC_ALL"] = "C"

# Feature "sanitize": this build has ASan + UBSan (-DWSECC_SANITIZE=ON).
# Regression tests of bugs only a sanitizer sees (a leak on an error path,
# a signed overflow) say "XFAIL: sanitize" until the bug is fixed.
if getattr(config, "sanitize", "OFF").upper() in ("ON", "1", "TRUE", "YES"):
    config.available_features.add("sanitize")
# Feature "jit": wsesim has the LLVM JIT engine (-DWSECC_JIT=ON, the default).
if getattr(config, "jit", "OFF").upper() in ("ON", "1", "TRUE", "YES"):
    config.available_features.add("jit")

config.substitutions.append(("%wsecc", config.wsecc))
config.substitutions.append(("%wsesim", config.wsesim))
config.substitutions.append(("%python", config.python))
config.substitutions.append(("%examples", os.path.join(config.source_root, "examples")))
config.substitutions.append(("%golden", os.path.join(config.source_root, "tests", "golden")))
