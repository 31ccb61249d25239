# Evaluation of compiled formulas (filters, newvar). The TypeScript compiler turns the
# formula language into R code only from its syntax tree; this is the defence in depth
# behind it: the expression is checked to use only the language's functions, and is
# evaluated in an environment whose parent is emptyenv() and that holds only those
# functions and `.d`, so even a compiler bug cannot reach system(), assignment or files.

# Summaries skip missing values (R's na.rm = TRUE) and say so in a warning, so that the
# difference from R's default (NA) is never silent: "mean() left out 2 missing values".
.panthr_skipped <- function(fn, v) {
  n <- sum(is.na(v))
  if (n > 0L) warning(fn, "() left out ", n, " missing value", if (n > 1L) "s", call. = FALSE)
}
# The same across rows: rows where some (not all) values were missing.
.panthr_row_skipped <- function(fn, m) {
  k <- rowSums(is.na(m))
  n <- sum(k > 0L & k < ncol(m))
  if (n > 0L) warning(fn, "() left out missing values in ", n, " row", if (n > 1L) "s",
                      call. = FALSE)
}

# The aggregates of the language ignore missing values; mean, min and max of nothing are NA
# (R would give NaN or +-Inf with a warning), sum of nothing is 0, sd needs two values.
# `na.rm` is accepted and ignored: the compiler writes it, the answer is always TRUE.
.panthr_aggregate <- function(f, fn) {
  function(..., na.rm = TRUE) {
    v <- base::c(...)
    .panthr_skipped(fn, v)
    if (base::all(base::is.na(v))) NA else f(v, na.rm = TRUE)
  }
}

# recode(x, old1, new1, old2, new2, ...): values equal to an old one become its new one,
# others stay; a factor keeps its level order (recoded levels in place, merged when equal).
.panthr_recode <- function(x, ...) {
  pairs <- list(...)
  old <- pairs[c(TRUE, FALSE)]
  new <- pairs[c(FALSE, TRUE)]
  swap <- function(v) {
    out <- v
    if (any(vapply(new, is.character, NA)) && !is.character(out)) out <- as.character(out)
    for (i in seq_along(old)) out[!is.na(v) & v == old[[i]]] <- new[[i]]
    out
  }
  if (!is.factor(x)) return(swap(x))
  levels <- unique(swap(levels(x)))
  factor(swap(as.character(x)), levels = levels, ordered = is.ordered(x))
}

# Functions the formula language may call, by the name the compiled code uses.
.panthr_formula_functions <- list(
  "+" = `+`, "-" = `-`, "*" = `*`, "/" = `/`, "^" = `^`,
  "==" = `==`, "!=" = `!=`, "<" = `<`, "<=" = `<=`, ">" = `>`, ">=" = `>=`,
  "&" = `&`, "|" = `|`, "!" = `!`, "(" = `(`,
  log = function(x, base = exp(1)) base::log(x, base), exp = exp, sqrt = sqrt, abs = abs,
  round = function(x, digits = 0) base::round(x, digits), floor = floor, ceiling = ceiling,
  is.na = is.na,
  mean = .panthr_aggregate(base::mean, "mean"), min = .panthr_aggregate(base::min, "min"),
  max = .panthr_aggregate(base::max, "max"),
  sum = function(..., na.rm = TRUE) {
    v <- base::c(...)
    .panthr_skipped("sum", v)
    base::sum(v, na.rm = TRUE)
  },
  sd = function(x, na.rm = TRUE) {
    .panthr_skipped("sd", x)
    stats::sd(x, na.rm = TRUE)
  },
  # API 1.1: data work. Text values of ifelse are taken as text (R's ifelse would give a
  # factor's codes); the evaluator turns a text result into a factor with sorted levels.
  ifelse = function(test, yes, no) {
    if (is.factor(yes)) yes <- as.character(yes)
    if (is.factor(no)) no <- as.character(no)
    base::ifelse(test, yes, no)
  },
  cut = function(x, ...) base::cut(x, breaks = base::c(...)),
  recode = .panthr_recode,
  z = function(x) {
    .panthr_skipped("z", x)
    (x - base::mean(x, na.rm = TRUE)) / stats::sd(x, na.rm = TRUE)
  },
  rowmean = function(...) {
    m <- base::cbind(...)
    .panthr_row_skipped("rowmean", m)
    r <- base::rowMeans(m, na.rm = TRUE)
    r[base::is.nan(r)] <- NA
    r
  },
  rowsum = function(...) {
    m <- base::cbind(...)
    .panthr_row_skipped("rowsum", m)
    base::rowSums(m, na.rm = TRUE)
  },
  rank = function(x) base::rank(x, na.last = "keep"),
  reverse = function(x, min, max) {
    out <- min + max - x
    if (any(!is.na(x) & (x < min | x > max)))
      warning("reverse(): some values are outside ", min, " to ", max, call. = FALSE)
    out
  }
)

# The exact wrappers converters/formula/to-r.ts writes, compared as syntax trees (never
# evaluated): the NA-safe aggregate and the filter. Recognised ones are replaced by the
# language's own functions before the check, so the compiler's output runs here unchanged.
.panthr_formula_templates <- local({
  p <- function(text) parse(text = text, keep.source = FALSE)[[1L]]
  agg <- function(fn) p(sprintf(paste0("(function(...) { v <- base::c(...); if (base::all(",
                                       "base::is.na(v))) NA else base::%s(v, na.rm = TRUE) })"), fn))
  list(aggregate = list(mean = agg("mean"), min = agg("min"), max = agg("max")),
       filter = p(paste0("(function(v, n) { if (!base::is.logical(v)) base::stop(\"the filter ",
                         "formula must give true or false\", call. = FALSE); w <- base::rep_len(v, n); ",
                         "!base::is.na(w) & w })")),
       nrow = p("base::nrow(.d)"))
})

# Rewrite the compiler's spellings into the language: base::f / stats::f -> f, the
# aggregate wrapper -> mean/min/max, na.rm = TRUE dropped, Inf -> the number.
.panthr_formula_normalize <- function(e) {
  if (identical(e, as.name("Inf"))) return(Inf)
  if (!is.call(e)) return(e)
  f <- e[[1L]]
  args <- lapply(as.list(e)[-1L], .panthr_formula_normalize)
  if (!is.null(names(args))) {
    drop <- names(args) == "na.rm" & vapply(args, isTRUE, NA)
    args <- args[!drop]
    if (all(names(args) == "")) names(args) <- NULL
  }
  templates <- .panthr_formula_templates$aggregate
  for (fn in names(templates)) if (identical(f, templates[[fn]])) f <- as.name(fn)
  if (is.call(f) && identical(f[[1L]], as.name("::")) && length(f) == 3L &&
      as.character(f[[2L]]) %in% c("base", "stats")) f <- f[[3L]]
  as.call(c(list(f), args))
}

#' The environment compiled formulas are evaluated in.
#' @param d data.frame: bound to `.d`.
#' @return an environment (parent emptyenv()) holding only `.d`, `[[` restricted to
#'   `.d[["name"]]`, and the functions of the formula language (summaries, row summaries
#'   and z always drop missing values; mean/min/max/rowmean of nothing are NA).
panthr_formula_env <- function(d) {
  env <- list2env(.panthr_formula_functions, parent = emptyenv())
  env$.d <- d
  env[["[["]] <- function(x, name) {
    if (!is.character(name) || length(name) != 1L) stop("a column name must be a string")
    if (!(name %in% names(x))) panthr_stop("not_found", "variable ", .panthr_q(name), " not found")
    .subset2(x, name)
  }
  env
}

# Walk a call: only allowed functions, `.d[["literal"]]`, constants and the symbol `.d`.
.panthr_formula_check <- function(e) {
  if (is.call(e)) {
    f <- e[[1L]]
    if (!is.symbol(f)) panthr_stop("invalid_object", "formula: a function must be a name")
    fname <- as.character(f)
    if (fname == "[[") {
      if (length(e) != 3L || !identical(e[[2L]], as.name(".d")) || !is.character(e[[3L]]))
        panthr_stop("invalid_object", "formula: [[ is allowed only as .d[[\"name\"]]")
      return(invisible())
    }
    if (!(fname %in% names(.panthr_formula_functions)))
      panthr_stop("invalid_object", "formula: unknown function ", .panthr_q(fname))
    for (arg in as.list(e)[-1L]) .panthr_formula_check(arg)
  } else if (is.symbol(e)) {
    panthr_stop("invalid_object", "formula: unknown name ", .panthr_q(as.character(e)))
  } else if (!(is.atomic(e) && length(e) == 1L)) {
    panthr_stop("invalid_object", "formula: unexpected element")
  }
  invisible()
}

#' Evaluate a compiled formula on a data frame.
#' @param d data.frame: the dataset, bound to `.d`.
#' @param expr character(1): R code from converters/formula (compileFormula with dataVar
#'   ".d", mode "value" or "filter"; never user text), or a call / length-1 expression.
#'   The code is parsed, rewritten to the formula language (see
#'   .panthr_formula_normalize), checked and evaluated in panthr_formula_env(d).
#' @return "value" mode: a vector of nrow(d) (a length-1 value is recycled; text becomes a
#'   factor), with R's warnings (and one when every value is NA or NaN) in its attribute
#'   "panthr_warnings". "filter" mode
#'   (the compiler's filter wrapper): a logical vector of nrow(d), TRUE only where the
#'   formula is TRUE; an r_error "the filter formula must give true or false" otherwise.
panthr_eval_formula <- function(d, expr) {
  if (is.character(expr)) {
    if (length(expr) != 1L || is.na(expr)) panthr_stop("invalid_object", "formula: one string")
    expr <- parse(text = expr, keep.source = FALSE)
  }
  if (is.expression(expr)) {
    if (length(expr) != 1L) panthr_stop("invalid_object", "formula: one expression")
    expr <- expr[[1L]]
  }
  tpl <- .panthr_formula_templates
  filter <- is.call(expr) && length(expr) == 3L && identical(expr[[1L]], tpl$filter) &&
    identical(expr[[3L]], tpl$nrow)
  if (filter) expr <- expr[[2L]]
  expr <- .panthr_formula_normalize(expr)
  .panthr_formula_check(expr)
  got <- panthr_collect_warnings(eval(expr, panthr_formula_env(d)))
  value <- got$value
  if (!is.atomic(value) || is.null(value))
    panthr_stop("r_error", "formula: the value is not a vector")
  n <- nrow(d)
  if (filter) {
    if (!is.logical(value)) panthr_stop("r_error", "the filter formula must give true or false")
    value <- rep_len(value, n)
    return(!is.na(value) & value)
  }
  if (length(value) == 1L && n != 1L) value <- rep(value, n)
  if (length(value) != n)
    panthr_stop("r_error", "the formula gives ", length(value), " values for ", n, " rows")
  # Text results are nominal with levels as factor() sorts them (as text read from a file).
  if (is.character(value)) value <- factor(value)
  warnings <- got$warnings
  if (n > 0L && is.numeric(value) && !is.factor(value) && all(is.na(value)))
    warnings <- c(warnings, "every value of the result is missing or NaN")
  if (length(warnings)) attr(value, "panthr_warnings") <- warnings
  value
}
