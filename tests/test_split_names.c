/* How many rows --split and `anne split --test` hold out (to nearest, at least one in each part: 0.2
 * of 900 is 180, which ceil() of the float 0.2 made 181), that `anne split` picks the very rows
 * anne_train_rows_split() holds out, and the --classes list parser (spaces dropped, empty names refused,
 * the count checked against the outputs). */
#include "test_support.h"

#include <stdlib.h>
#include <string.h>

#include "anne_names.h"
#include "anne_train_data.h"

static void test_split_count(void **state) {
    (void)state;
    assert_int_equal(anne_train_split_count(900, 0.2), 180);
    assert_int_equal(anne_train_split_count(900, (double)0.2f), 180); /* a float's 0.2 too */
    assert_int_equal(anne_train_split_count(10, 0.1), 1);
    assert_int_equal(anne_train_split_count(10, 0.25), 3);   /* 2.5: halves up */
    assert_int_equal(anne_train_split_count(10, 0.24), 2);
    assert_int_equal(anne_train_split_count(100, 0.001), 1); /* at least one held out */
    assert_int_equal(anne_train_split_count(3, 0.9), 2);     /* at least one kept */
    assert_int_equal(anne_train_split_count(2, 0.5), 1);
    assert_int_equal(anne_train_split_count(120, 0.25), 30);
}

/* anne_train_split_pick() (anne split) and anne_train_rows_split() (anne train --split): same rows */
static void test_pick_is_the_train_split(void **state) {
    anne_train_rows all, kept, held;
    anne_error err;
    unsigned char *is_held;
    size_t n_held, i, h = 0;
    float x[37];
    (void)state;
    for (i = 0; i < 37; i++) x[i] = (float)i;
    memset(&all, 0, sizeof all);
    all.n = 37;
    all.n_features = 1;
    all.x = x;
    assert_int_equal(anne_train_rows_split(&all, 0.3, 11, &kept, &held, &err), 0);
    assert_int_equal(anne_train_split_pick(37, 0.3, 11, &is_held, &n_held, &err), 0);
    assert_int_equal(n_held, held.n);
    assert_int_equal(held.n, 11);
    for (i = 0; i < 37; i++) {
        if (is_held[i]) assert_true(held.x[h++] == (float)i);
    }
    assert_int_equal(h, held.n);
    free(is_held);
    anne_train_rows_free(&kept);
    anne_train_rows_free(&held);
    assert_int_equal(anne_train_split_pick(1, 0.5, 0, &is_held, &n_held, &err), -1);
    assert_non_null(strstr(err.msg, "at least 2 rows"));
}

static void test_names_parse(void **state) {
    char **names;
    uint16_t n;
    anne_error err;
    (void)state;
    assert_int_equal(anne_names_parse(" cat ,dog,\tbig bird ", &names, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(names[0], "cat");
    assert_string_equal(names[1], "dog");
    assert_string_equal(names[2], "big bird");
    anne_names_free(names, n);
    assert_int_equal(anne_names_parse("", &names, &n, &err), 0);
    assert_int_equal(n, 0);
    assert_null(names);
    assert_int_equal(anne_names_parse("a,,b", &names, &n, &err), -1);
    assert_non_null(strstr(err.msg, "name 2 is empty"));
    assert_int_equal(anne_names_parse("a, ", &names, &n, &err), -1);
    assert_non_null(strstr(err.msg, "name 2 is empty"));
}

static void test_names_check(void **state) {
    anne_error err;
    (void)state;
    assert_int_equal(anne_names_check(2, 1, &err), 0); /* one sigmoid output: class 0 and 1 */
    assert_int_equal(anne_names_check(3, 3, &err), 0);
    assert_int_equal(anne_names_check(1, 1, &err), -1);
    assert_non_null(strstr(err.msg, "one output: 2 classes"));
    assert_int_equal(anne_names_check(2, 3, &err), -1);
    assert_non_null(strstr(err.msg, "--classes has 2 names, but the model has 3 outputs"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_count),
        cmocka_unit_test(test_pick_is_the_train_split),
        cmocka_unit_test(test_names_parse),
        cmocka_unit_test(test_names_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
