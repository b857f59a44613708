/* fuzz_script.c — libFuzzer target for rt__script_parse, the migration
 * script reader (script_file.h). The input is the file's bytes.
 * Built and run by scripts/fuzz-smoke; see docs/fuzzing.md. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "script_file.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The reader is given file contents, which callers NUL-terminate. */
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	rt__arena a;
	rt__arena_init(&a);
	rt_script script;
	rt_error err;
	rt__script_parse(&a, "versions/0001_fuzz.sql", text, size, &script, &err);
	rt__arena_release(&a);
	free(text);
	return 0;
}
