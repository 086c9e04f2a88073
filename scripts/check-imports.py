#!/usr/bin/env python3
"""Fails when a target imports a module that Package.swift does not declare as its dependency (besides the
toolchain's own modules): with MemberImportVisibility on, every module a file uses is imported, and every module a
target imports is declared."""
import glob, json, re, subprocess, sys

package = json.loads(subprocess.run(["swift", "package", "dump-package"], capture_output=True, text=True, check=True).stdout)
toolchain = {"Foundation", "FoundationEssentials", "Glibc", "Dispatch", "Synchronization", "Testing", "XCTest", "_Concurrency"}
problems = 0
for target in package["targets"]:
    name = target["name"]
    path = target.get("path") or (("Tests/" if target["type"] == "test" else "Sources/") + name)
    declared = {d[k][0] for d in target["dependencies"] for k in ("byName", "target", "product") if k in d}
    imported = set()
    for file in glob.glob(path + "/**/*.swift", recursive=True):
        imported |= set(re.findall(r"^(?:@testable )?import ([A-Za-z0-9_]+)", open(file).read(), re.M))
    missing = sorted(imported - declared - toolchain - {name})
    if missing:
        problems += 1
        print(f"{name} imports undeclared modules: {', '.join(missing)}")
print(f"{len(package['targets'])} targets checked, {problems} with undeclared imports")
sys.exit(1 if problems else 0)
