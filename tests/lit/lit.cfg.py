# lit configuration for wsecc: FileCheck tests of the driver, every pass,
# the diagnostics, the targets and the simulator's error paths.
import os
import lit.formats

config.name = "wsecc"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".test", ".wdl", ".wir"]
config.excludes = ["Inputs", "lit.cfg.py", "lit.site.cfg.py.in"]
config.test_source_root = os.path.dirname(__file__)

config.environment["PATH"] = os.pathsep.join([config.llvm_bin, config.environment.get("PATH", os.environ.get("PATH", ""))])
# diagnostics must not depend on the user's terminal
config.environment["LC_ALL"] = "C"

config.substitutions.append(("%wsecc", config.wsecc))
config.substitutions.append(("%wsesim", config.wsesim))
config.substitutions.append(("%python", config.python))
config.substitutions.append(("%examples", os.path.join(config.source_root, "examples")))
config.substitutions.append(("%golden", os.path.join(config.source_root, "tests", "golden")))
