# r_code of the reports (rcode.R): plain R that prints the report's numbers from the data
# frame the context names, with base R (and psych for skewness and kurtosis).

# Each statistic of descriptives as R code on `x` (the values without NA) and `v` (all).
.panthr_desc_code <- c(
  n = "length(x)", missing = "sum(is.na(v))", mean = "mean(x)", sd = "sd(x)",
  se = "sd(x) / sqrt(length(x))", variance = "var(x)", min = "min(x)",
  q1 = "quantile(x, 0.25, names = FALSE)", median = "median(x)",
  q3 = "quantile(x, 0.75, names = FALSE)", max = "max(x)", iqr = "IQR(x)",
  range = "diff(range(x))", skewness = "psych::skew(x, type = 2)",
  kurtosis = "psych::kurtosi(x, type = 2)",
  ci_low = "mean(x) - qt(0.975, length(x) - 1) * sd(x) / sqrt(length(x))",
  ci_high = "mean(x) + qt(0.975, length(x) - 1) * sd(x) / sqrt(length(x))")

# A column as code, as the report reads it: a logical one as a factor FALSE, TRUE (the
# frequency table shows both), any other as it is (the set-up made nominal ones factors).
.panthr_code_nominal <- function(data, name) {
  col <- panthr_code_column(name)
  if (is.logical(data[[name]])) paste0("factor(", col, ", levels = c(FALSE, TRUE))") else col
}

# descriptives: a function of the chosen statistics, then one sapply per variable (by group
# with `by`: split() leaves out rows whose group is missing, as the report does).
.panthr_descriptives_code <- function(data, variables, by, statistics) {
  body <- paste0("  c(", paste(statistics, "=", .panthr_desc_code[statistics], collapse = ", "),
                 ")")
  fun <- c(".describe <- function(v) {", "  x <- v[!is.na(v)]", body, "}")
  calls <- if (is.null(by)) {
    paste0("sapply(", panthr_code_data(), "[", panthr_code_value(variables), "], .describe)")
  } else {
    paste0("sapply(split(", vapply(variables, panthr_code_column, ""), ", ",
           .panthr_code_nominal(data, by), "), .describe)")
  }
  panthr_r_code(fun, calls)
}

# frequency: counts with the missing values (useNA), then percents of all rows (by group
# with `by`: split() leaves out rows whose group is missing, as the report does).
.panthr_frequency_code <- function(data, variables, by = NULL) {
  lines <- unlist(lapply(variables, function(v) {
    if (is.null(by)) {
      tab <- paste0("table(", .panthr_code_nominal(data, v), ", useNA = \"ifany\")")
      return(c(tab, paste0("100 * prop.table(", tab, ")")))
    }
    parts <- paste0("split(", .panthr_code_nominal(data, v), ", ", .panthr_code_nominal(data, by), ")")
    c(paste0("lapply(", parts, ", table, useNA = \"ifany\")"),
      paste0("lapply(", parts, ", function(x) 100 * prop.table(table(x, useNA = \"ifany\")))"))
  }), use.names = FALSE)
  panthr_r_code(lines)
}
