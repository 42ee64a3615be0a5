{
  "targets": [
    {
      "target_name": "native_selector",
      "sources": ["src/native_selector.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Werror"],
      "conditions": [["OS != 'linux'", {"type": "none", "sources!": ["src/native_selector.c"]}]]
    }
  ]
}
