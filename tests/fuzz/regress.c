// SPDX-License-Identifier: MIT
/*
 * The regression driver of the fuzz harnesses: a main() that calls a
 * harness's LLVMFuzzerTestOneInput() once per file, so the seed corpus
 * (and every crash found and added to it) runs in the test suite with any
 * compiler, under the sanitizers of the build.
 *
 *   fuzz_NAME_regress FILE|DIR...   every regular file, directories in name order
 *
 * Each input is copied into a buffer of exactly its size, so a read past
 * its end is an ASan report.  Exit 0 when every input ran.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static unsigned long n_run;

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL, *v;
	size_t n = 0, cap = 0, got;

	if (f == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			v = realloc(buf, cap);
			if (v == NULL) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = v;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	/* exactly n bytes: ASan sees a read past the end */
	v = malloc(n ? n : 1);
	if (v == NULL) {
		free(buf);
		return -1;
	}
	if (n > 0) {
		memcpy(v, buf, n);
	}
	free(buf);
	LLVMFuzzerTestOneInput(v, n);
	free(v);
	n_run++;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path);

static int run_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char **names = NULL, **v, full[4096];
	size_t n = 0;
	int r = 0;

	if (d == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.') {
			continue;
		}
		v = realloc(names, (n + 1) * sizeof(*v));
		if (v == NULL || (v[n] = strdup(de->d_name)) == NULL) {
			names = v ? v : names;
			r = -1;
			break;
		}
		names = v;
		n++;
	}
	closedir(d);
	if (n > 0) {
		qsort(names, n, sizeof(*names), cmp_names);
	}
	for (size_t i = 0; i < n; i++) {
		if (r == 0 &&
		    snprintf(full, sizeof(full), "%s/%s", path, names[i]) < (int)sizeof(full)) {
			r = run_path(full);
		}
		free(names[i]);
	}
	free(names);
	return r;
}

static int run_path(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	return S_ISDIR(st.st_mode) ? run_dir(path) : run_file(path);
}

int main(int argc, char **argv)
{
	int r = 0;

	if (LLVMFuzzerInitialize) {
		LLVMFuzzerInitialize(&argc, &argv);
	}
	for (int i = 1; i < argc && r == 0; i++) {
		r = run_path(argv[i]);
	}
	printf("%lu inputs\n", n_run);
	return r == 0 && n_run > 0 ? 0 : 1;
}
