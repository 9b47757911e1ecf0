// flow/sanitizers.h: which sanitizer this translation unit is built with,
// as macros, for the few places that must behave differently under one
// (one test of the two compilers' spellings: gcc defines __SANITIZE_*__,
// clang answers __has_feature).
//
//   FLOWCHECK_ASAN               AddressSanitizer
//   FLOWCHECK_SANITIZED_MEMORY   a sanitizer that reserves or shadows the
//                                address space (ASan, TSan, MSan), where an
//                                address-space limit cannot be enforced
//
// Each is defined as 1 or not at all. And for pools that keep freed memory
// (Task frames, history blocks):
//
//   FLOWCHECK_POISON(address, size)    under ASan, marks the bytes as not
//                                      to be touched (a use is reported as
//                                      use-after-poison); else nothing
//   FLOWCHECK_UNPOISON(address, size)  the reverse, before handing them out
//
// Internal to flowcheck.
#ifndef FLOWCHECK_FLOW_SANITIZERS_H_
#define FLOWCHECK_FLOW_SANITIZERS_H_

#if defined(__SANITIZE_ADDRESS__)
#define FLOWCHECK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FLOWCHECK_ASAN 1
#endif
#endif

#if defined(FLOWCHECK_ASAN) || defined(__SANITIZE_THREAD__)
#define FLOWCHECK_SANITIZED_MEMORY 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define FLOWCHECK_SANITIZED_MEMORY 1
#endif
#endif

#ifdef FLOWCHECK_ASAN
#include <sanitizer/asan_interface.h>
#define FLOWCHECK_POISON(address, size) ASAN_POISON_MEMORY_REGION(address, size)
#define FLOWCHECK_UNPOISON(address, size) \
  ASAN_UNPOISON_MEMORY_REGION(address, size)
#else
#define FLOWCHECK_POISON(address, size) ((void)(address), (void)(size))
#define FLOWCHECK_UNPOISON(address, size) ((void)(address), (void)(size))
#endif

#endif  // FLOWCHECK_FLOW_SANITIZERS_H_
