/* test_candidates.c — candidate enumeration against brute force and the
 * closed form n (n-1)^(k-1). */
#include <stdlib.h>
#include <string.h>

#include "candidates.h"
#include "testutil.h"

/* Counts sequences of length k over n symbols with no back-to-back repeat
 * by trying all n^k sequences. */
static size_t brute_force_count(int n, int k) {
  size_t total = 1, count = 0;
  for (int j = 0; j < k; j++) total *= (size_t)n;
  for (size_t code = 0; code < total; code++) {
    size_t rest = code;
    int previous = -1, ok = 1;
    for (int j = 0; j < k; j++) {
      int digit = (int)(rest % n);
      rest /= n;
      if (digit == previous) ok = 0;
      previous = digit;
    }
    count += ok;
  }
  return count;
}

START_TEST(count_matches_closed_form_and_brute_force) {
  for (int n = 1; n <= 6; n++)
    for (int k = 1; k <= 5; k++) {
      size_t expected = (size_t)n;
      for (int j = 1; j < k; j++) expected *= (size_t)(n - 1);
      ck_assert_uint_eq(drt_candidate_count(n, k), expected);
      ck_assert_uint_eq(drt_candidate_count(n, k), brute_force_count(n, k));
    }
  ck_assert_uint_eq(drt_candidate_count(10, 0), 1);
  ck_assert_uint_eq(drt_candidate_count(0, 2), 0);
}
END_TEST

START_TEST(enumeration_is_valid_unique_and_sorted) {
  for (int n = 1; n <= 5; n++)
    for (int k = 0; k <= 4; k++) {
      drt__candidates set;
      DRT_CHECK_OK(drt__candidates_build(NULL, n, k, &set));
      ck_assert_uint_eq(set.count, drt_candidate_count(n, k));
      for (size_t c = 0; c < set.count && k > 0; c++) {
        const int *seq = set.indices + c * k;
        for (int j = 0; j < k; j++) {
          ck_assert(seq[j] >= 0 && seq[j] < n);
          if (j > 0) ck_assert_int_ne(seq[j], seq[j - 1]);
        }
        /* strictly increasing lexicographic order implies uniqueness */
        if (c > 0) {
          const int *before = seq - k;
          int j = 0;
          while (j < k && seq[j] == before[j]) j++;
          ck_assert(j < k && before[j] < seq[j]);
        }
      }
      drt__candidates_free(&set);
    }
}
END_TEST

START_TEST(too_many_candidates_are_refused_with_numbers) {
  drt__candidates set;
  drt_status status = drt__candidates_build(NULL, 100000, 3, &set);
  ck_assert_int_eq(status, DRT_ETOOBIG);
  ck_assert_ptr_nonnull(strstr(drt_last_error(), "candidates"));
  ck_assert_ptr_nonnull(strstr(drt_last_error(), "100000 objects"));
  ck_assert_ptr_null(set.indices);
}
END_TEST

static Suite *candidates_suite(void) {
  Suite *s = suite_create("candidates");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, count_matches_closed_form_and_brute_force);
  tcase_add_test(tc, enumeration_is_valid_unique_and_sorted);
  tcase_add_test(tc, too_many_candidates_are_refused_with_numbers);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return drt_test_run(candidates_suite()); }
