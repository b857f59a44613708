/* test_revision.c — the start-up comparison's verdicts and messages: at
 * head, behind, empty, ahead (unknown revision), several heads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/revision.h"
#include "expected_revision.h"

static const char *const known[] = CORE_KNOWN_REVISIONS;

static void test_compare(void **state)
{
	(void)state;
	char msg[512];
	const char *head[] = {CORE_EXPECTED_REVISION};
	assert_int_equal(core_revision_compare(head, 1, msg, sizeof msg), 0);

	const char *behind[] = {known[0]};
	assert_int_equal(core_revision_compare(behind, 1, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, known[0]));
	assert_non_null(strstr(msg, CORE_EXPECTED_REVISION));
	assert_non_null(strstr(msg, "retort upgrade head"));

	assert_int_equal(core_revision_compare(NULL, 0, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "retort upgrade head"));

	const char *ahead[] = {"ffffffffffff"};
	assert_int_equal(core_revision_compare(ahead, 1, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "ffffffffffff"));
	assert_non_null(strstr(msg, "rebuild"));

	const char *two[] = {known[0], CORE_EXPECTED_REVISION};
	assert_int_equal(core_revision_compare(two, 2, msg, sizeof msg), -1);
}

static void test_expected_is_last_known(void **state)
{
	(void)state;
	size_t n = sizeof known / sizeof known[0];
	assert_string_equal(core_revision_expected(), known[n - 1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_compare),
	    cmocka_unit_test(test_expected_is_last_known),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
