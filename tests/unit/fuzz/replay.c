// SPDX-License-Identifier: GPL-2.0
/*
 * Runs a fuzz target on every file of its seed corpus, CORPUS_DIR, as a
 * plain unit test: so the targets build and their seeds pass under gcc and
 * the sanitizers, also where libFuzzer is missing.  A wrong answer aborts
 * (FUZZ_CHECK()), which run-tests counts as a failure.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "splitio/portable.h"
#include "fuzz.h"
#include "harness.h"

/*
 * Reads the file into a buffer of its exact length, for ASan to catch the
 * target reading past its input; NULL on failure.
 */
static u8 *read_input(const char *path, size_t *len)
{
	struct stat st;
	u8 *input;
	FILE *f;

	if (stat(path, &st))
		return NULL;
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	*len = (size_t)st.st_size;
	input = malloc(*len ? *len : 1);
	if (input && fread(input, 1, *len, f) != *len) {
		free(input);
		input = NULL;
	}
	fclose(f);
	return input;
}

static bool replay_file(const char *dir, const char *name)
{
	char path[4096];
	size_t len;
	u8 *input;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	input = read_input(path, &len);
	if (!CHECK(input != NULL)) {
		printf("cannot read %s\n", path);
		return false;
	}
	LLVMFuzzerTestOneInput(input, len);
	free(input);
	return true;
}

static void test_replay_corpus(void)
{
	unsigned int replayed = 0;
	struct dirent *e;
	DIR *dir;

	dir = opendir(CORPUS_DIR);
	if (!CHECK(dir != NULL))
		return;
	while ((e = readdir(dir)))
		if (e->d_name[0] != '.')
			replayed += replay_file(CORPUS_DIR, e->d_name);
	closedir(dir);
	printf("replayed %u inputs from %s\n", replayed, CORPUS_DIR);
	CHECK(replayed > 0);
}

static const struct test_case tests[] = {
	TEST(test_replay_corpus),
};

int main(void)
{
	return run_tests(tests, ARRAY_SIZE(tests));
}
