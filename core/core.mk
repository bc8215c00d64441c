# core/: the freestanding translator. Its objects are built by the top
# Makefile (CORE_SRCS); this file holds the core's own checks.
