/* model_cache.h — one model file's share of the scratch schema (the tables
 * and enum types it creates, as the database normalised them), as the bytes
 * of a cache file (internal).
 *
 * Format (version 1): the magic "retort-model-cache\n", a 4-byte format
 * version, the 32-byte key the entry was made under, the objects, and a
 * SHA-256 of every byte before it. Strings are a 4-byte length (all ones:
 * NULL) and their bytes; counts are 4 bytes; flags one byte; all integers
 * little-endian. Source positions and renamed-from annotations are not
 * kept: they come from parsing the model files, which every run does. */
#ifndef RETORT_AUTOGEN_MODEL_CACHE_H
#define RETORT_AUTOGEN_MODEL_CACHE_H

#include <stddef.h>

#include "retort/buf.h"
#include "schema/model.h"

#define RT__MCACHE_KEY 32

/* Appends to out the entry holding part's tables and enum types under key.
 * 0 or -RT_ERR_NOMEM. */
int rt__mcache_encode(rt_buf *out, const unsigned char key[RT__MCACHE_KEY], const rt__schema *part);

/* Reads an entry: 0 with key and *part (initialised on part's arena by the
 * caller, objects appended) filled; 1 when the bytes are not a sound entry
 * of this format (*why: a static reason: "not a retort model cache file",
 * "format version 7, this retort reads 1", "checksum mismatch",
 * "truncated"), part then holding whatever was read before the fault, to
 * be thrown away; -RT_ERR_NOMEM. */
int rt__mcache_decode(const char *data, size_t len, unsigned char key[RT__MCACHE_KEY],
                      rt__schema *part, const char **why);

#endif
