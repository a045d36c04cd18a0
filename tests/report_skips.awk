# Reads ctest's JUnit report (ctest --output-junit FILE) and lists the tests that skipped (exit 77),
# each with its SKIP: lines (once each), which say what is missing. With -v strict=1 (as
# `ANNE_NO_SKIP=1 make test` and CI run it) any skip exits 1; otherwise skips are only listed:
#   awk -v strict=1 -f tests/report_skips.awk build/ctest-junit.xml
function unxml(s) {
    gsub(/&lt;/, "<", s)
    gsub(/&gt;/, ">", s)
    gsub(/&quot;/, "\"", s)
    gsub(/&apos;/, "'", s)
    gsub(/&amp;/, "\\&", s)
    return s
}
/<testcase / {
    name = "?"
    if (match($0, /name="[^"]*"/)) name = substr($0, RSTART + 6, RLENGTH - 7)
    in_skip = 0
}
/<skipped/ {
    in_skip = 1
    n++
    print "skipped: " name
}
in_skip && /SKIP:/ {
    line = $0
    sub(/.*SKIP:/, "SKIP:", line)
    if (!((name, line) in seen)) print "    " unxml(line)
    seen[name, line] = 1
}
/<\/testcase>/ { in_skip = 0 }
END {
    if (n == 0) exit 0
    if (strict == 1) {
        print n " test(s) skipped; with ANNE_NO_SKIP=1 that is a failure (provide what the SKIP lines name)"
        exit 1
    }
    print n " test(s) skipped (they did not run; ANNE_NO_SKIP=1 makes a skip a failure, as in CI)"
}
