# Evaluation of compiled formulas (filters, newvar). The TypeScript compiler turns the
# formula language into R code only from its syntax tree; this is the defence in depth
# behind it: the expression is checked to use only the language's functions, and is
# evaluated in an environment whose parent is emptyenv() and that holds only those
# functions and `.d`, so even a compiler bug cannot reach system(), assignment or files.

.panthr_na_rm <- function(f) function(x) f(x, na.rm = TRUE)
.panthr_extreme <- function(f) {
  function(x) if (base::all(base::is.na(x))) NA_real_ else f(x, na.rm = TRUE)
}

# Functions the formula language may call, by the name the compiled code uses.
.panthr_formula_functions <- list(
  "+" = `+`, "-" = `-`, "*" = `*`, "/" = `/`, "^" = `^`,
  "==" = `==`, "!=" = `!=`, "<" = `<`, "<=" = `<=`, ">" = `>`, ">=" = `>=`,
  "&" = `&`, "|" = `|`, "!" = `!`, "(" = `(`,
  log = function(x, base = exp(1)) base::log(x, base), exp = exp, sqrt = sqrt, abs = abs,
  round = function(x, digits = 0) base::round(x, digits), floor = floor, ceiling = ceiling,
  is.na = is.na,
  mean = .panthr_na_rm(mean), sd = .panthr_na_rm(stats::sd), sum = .panthr_na_rm(sum),
  min = .panthr_extreme(min), max = .panthr_extreme(max)
)

#' The environment compiled formulas are evaluated in.
#' @param d data.frame: bound to `.d`.
#' @return an environment (parent emptyenv()) holding only `.d`, `[[` restricted to
#'   `.d[["name"]]`, and the functions of the formula language (mean, sd, min, max, sum
#'   with na.rm = TRUE; min/max give NA when no value is present).
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
#' @param d data.frame: the dataset.
#' @param expr a call (language object), an expression of length 1, or character(1) R code
#'   text produced by the TypeScript compiler (parsed here, never user text).
#' @return the value: a vector of nrow(d) (or length 1, recycled to nrow(d)) for newvar,
#'   or a logical vector for a filter (see panthr_filter_rows).
panthr_eval_formula <- function(d, expr) {
  if (is.character(expr)) {
    if (length(expr) != 1L || is.na(expr)) panthr_stop("invalid_object", "formula: one string")
    expr <- str2lang(expr)
  } else if (is.expression(expr)) {
    if (length(expr) != 1L) panthr_stop("invalid_object", "formula: one expression")
    expr <- expr[[1L]]
  }
  .panthr_formula_check(expr)
  value <- eval(expr, panthr_formula_env(d))
  if (!is.atomic(value) || is.null(value))
    panthr_stop("r_error", "formula: the value is not a vector")
  if (length(value) == 1L && nrow(d) != 1L) value <- rep(value, nrow(d))
  if (length(value) != nrow(d))
    panthr_stop("r_error", "formula: got ", length(value), " values for ", nrow(d), " rows")
  value
}
