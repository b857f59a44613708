/* banned.h — functions we do not use, made compile errors.
 * Each has a bounded or reentrant replacement: rt_buf for string assembly,
 * strtol/strtoll with end checks for numbers, gmtime_r/localtime_r for time.
 *
 * Internal to this repository and shared by both programs: libretort, the
 * retort CLI, their tests and fuzzers, and the user service put
 * include/internal/ on their include path and include it after the system
 * headers. Not part of libretort's public API (retort/include/). */
#ifndef RETORT_BANNED_H
#define RETORT_BANNED_H

#define RT__BANNED(func) sorry_##func##_is_banned

#undef strcpy
#define strcpy(x, y) RT__BANNED(strcpy)
#undef strcat
#define strcat(x, y) RT__BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) RT__BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) RT__BANNED(strncat)
#undef sprintf
#define sprintf(...) RT__BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) RT__BANNED(vsprintf)
#undef strtok
#define strtok(x, y) RT__BANNED(strtok)
#undef atoi
#define atoi(x) RT__BANNED(atoi)
#undef atol
#define atol(x) RT__BANNED(atol)
#undef gmtime
#define gmtime(t) RT__BANNED(gmtime)
#undef localtime
#define localtime(t) RT__BANNED(localtime)
#undef ctime
#define ctime(t) RT__BANNED(ctime)
#undef asctime
#define asctime(t) RT__BANNED(asctime)

#endif
