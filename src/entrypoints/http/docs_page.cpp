#include "entrypoints/http/docs_page.hpp"

// The bundle's bytes go into the binary as they are in the file, by the assembler: as a string
// literal, a megabyte of JavaScript would need escaping and be over the length a compiler must
// support. ALLOCATION_DOCS_RENDERER is its path, ALLOCATION_DOCS_RENDERER_SHA256 its digest
// (which also makes a changed bundle a changed source for the compiler cache).
asm(".section .rodata\n"
    ".balign 16\n"
    "allocation_docs_renderer_begin:\n"
    ".incbin \"" ALLOCATION_DOCS_RENDERER
    "\"\n"
    "allocation_docs_renderer_end:\n"
    ".previous\n");

extern "C" const char allocation_docs_renderer_begin[];
extern "C" const char allocation_docs_renderer_end[];

namespace allocation::entrypoints::http {

std::string_view docs_page() {
  return R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Allocation Service API</title>
<style>body { margin: 0; }</style>
</head>
<body>
<redoc spec-url="/openapi.json"></redoc>
<script src="/docs/redoc.standalone.js"></script>
</body>
</html>
)html";
}

std::string_view docs_renderer() {
  return {allocation_docs_renderer_begin,
          static_cast<std::size_t>(allocation_docs_renderer_end - allocation_docs_renderer_begin)};
}

std::string_view docs_renderer_digest() { return ALLOCATION_DOCS_RENDERER_SHA256; }

}  // namespace allocation::entrypoints::http
