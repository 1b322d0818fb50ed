#!/usr/bin/env bash
# Fails when a file under core/ includes GL, GLFW or ImGui (core must build with Eigen only).
core=${1:-core}
bad=$(grep -rnE '#[[:space:]]*include[[:space:]]*[<"](imgui|GLFW/|glad/|GL/|backends/)' "$core")
if [[ -n "$bad" ]]; then
  echo "core/ must not include GL, GLFW or ImGui; move this code to ui/ or app/:"
  echo "$bad"
  exit 1
fi
echo "core/ is free of GL, GLFW and ImGui."
