// Placeholder: the benchmark runner (issue 6) replaces this file.
process.stdout.write("no benchmarks yet\n")
