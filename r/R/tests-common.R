# What the hypothesis tests (tests-*.R, API.md "Analyses added in API 1.1") share: the
# htest keys, the complete rows of the named variables, effect sizes from effectsize, the
# two samples of a location test, and pieces of their r_code.

# The keys of an "htest" result. Every key of API.md's set (method, statistic, df, p_value,
# estimate, conf_int) is there, null where R computes none (Spearman's and Kendall's df and
# interval, Fisher's statistic, Kruskal-Wallis' estimate): the contract lists them for every
# test; clients show a null as nothing.
.panthr_htest <- function(h) {
  out <- list(method = trimws(h$method), statistic = NULL, df = NULL, p_value = NULL,
              estimate = NULL, conf_int = NULL)
  if (!is.null(h$statistic)) {
    out$statistic <- .panthr_num(h$statistic)
    # R's name of it: Kendall's is "T" when exact and "z" otherwise.
    if (!is.null(names(h$statistic))) out$statistic_name <- names(h$statistic)[[1L]]
  }
  if (!is.null(h$parameter))
    out$df <- if (length(h$parameter) > 1L) .panthr_arr(h$parameter) else .panthr_num(h$parameter)
  out$p_value <- .panthr_num(h$p.value)
  if (!is.null(h$estimate)) {
    out$estimate <- .panthr_arr(h$estimate)
    out$estimate_names <- I(if (is.null(names(h$estimate))) character() else names(h$estimate))
  }
  if (!is.null(h$conf.int)) {
    out$conf_int <- .panthr_arr(h$conf.int)
    out$conf_level <- .panthr_num(attr(h$conf.int, "conf.level"))
  }
  if (!is.null(h$alternative)) out$alternative <- h$alternative
  # One null value is a number; several (prop.test's p per group) an array of them all.
  if (!is.null(h$null.value))
    out$null_value <- if (length(h$null.value) > 1L) .panthr_arr(h$null.value) else
      .panthr_num(h$null.value)
  out
}

# The rows with a value in every named variable (R's na.omit of those columns): every test
# uses these rows only (API.md), and reports how many as `n`.
.panthr_complete <- function(data, variables) {
  # Only the named columns, and no copy of their rows when none is missing: subsetting
  # every column of a 1e6-row dataset was most of a test's time beyond R's own.
  d <- data[unique(variables)]
  # anyNA first: when nothing is missing (the usual case) it answers in a fifth of
  # complete.cases' time (measured on 1e6 rows: 0.6-1.4 ms against 2.8 ms).
  if (!anyNA(d, recursive = TRUE)) return(d)
  d[stats::complete.cases(d), , drop = FALSE]
}

# An effect size {name, value, conf_int} from one of effectsize's functions, which returns
# a data frame with the value in column `column` and CI_low/CI_high when it has an interval.
# A failure (too few values for the interval...) becomes a warning and a null effect size
# (NA: a NULL would drop the key from the result), so the test's own numbers still arrive.
.panthr_effect <- function(name, column, compute) {
  es <- tryCatch(compute(), error = function(e) {
    warning("effect size ", name, ": ", conditionMessage(e), call. = FALSE)
    NULL
  })
  if (is.null(es)) return(NA)
  ci <- if (is.null(es$CI_low)) NULL else I(c(es$CI_low[[1L]], es$CI_high[[1L]]))
  list(name = name, value = unname(es[[column]][[1L]]), conf_int = ci)
}

# A nominal column's levels that occur in x, in level order.
.panthr_present <- function(g) levels(droplevels(g))

# ---- r_code pieces (rcode.R has the mechanism) ----

# Named arguments as code, ", a = 1, b = TRUE", leaving out the NULL ones (options not given).
.panthr_code_args <- function(args) {
  args <- args[!vapply(args, is.null, NA)]
  if (!length(args)) return("")
  paste0(", ", paste0(names(args), " = ", vapply(args, panthr_code_value, ""), collapse = ", "))
}

# The data frame's rows with every named variable present, as code.
.panthr_code_cc <- function(variables) {
  paste0("na.omit(", panthr_code_data(), "[", panthr_code_value(unique(variables)), "])")
}

# `call` evaluated among the complete rows of `variables`, so that it names columns plainly.
.panthr_code_with <- function(variables, call) {
  paste0("with(", .panthr_code_cc(variables), ", ", call, ")")
}

# Of a location test with one or two samples (t.test, wilcox.test): the samples, whether
# they are paired, and their code. variables: [y] (one sample), [y, group] (group nominal
# with two levels present: first minus second; paired pairs the groups in row order),
# [y, y2] (two scalar columns) or [y, group, id] (paired: the rows of one id).
# @return list(x, y (NULL for one sample), paired, groups (the two levels or NULL), n,
#   code = list(pre = lines, wrap = function(call) code, x, y)).
.panthr_samples <- function(data, variables, paired, test) {
  .panthr_vars(data, variables, 1L, 3L)
  if (anyDuplicated(variables)) panthr_stop("invalid_object", "a variable is named twice")
  d <- .panthr_complete(data, variables)
  v <- variables
  y <- panthr_column(d, v[[1L]], "scalar")
  col <- function(i) panthr_code_name(v[[i]])
  with_all <- function(call) .panthr_code_with(v, call)
  if (length(v) == 1L) {
    if (isTRUE(paired)) panthr_stop("invalid_object", "paired needs two variables or [y, group, id]")
    return(list(x = y, y = NULL, paired = FALSE, groups = NULL, n = nrow(d),
                code = list(pre = character(), wrap = with_all, x = col(1L), y = NULL)))
  }
  second <- panthr_column(d, v[[2L]])
  if (length(v) == 2L && is.numeric(second) && !is.factor(second)) {
    return(list(x = y, y = as.double(second), paired = isTRUE(paired), groups = NULL,
                n = nrow(d), code = list(pre = character(), wrap = with_all, x = col(1L),
                                         y = col(2L))))
  }
  g <- panthr_column(d, v[[2L]], "nominal")
  lev <- .panthr_present(g)
  if (length(lev) != 2L)
    panthr_stop("invalid_object", "the grouping variable ", .panthr_q(v[[2L]]),
                " must have exactly 2 levels with data, has ", length(lev))
  pick <- function(i) paste0(col(1L), "[", col(2L), " == ", panthr_code_value(lev[[i]]), "]")
  x1 <- y[g == lev[[1L]]]
  x2 <- y[g == lev[[2L]]]
  if (length(v) == 2L) {
    if (isTRUE(paired) && length(x1) != length(x2))
      panthr_stop("invalid_object", test, " paired on [y, group] pairs the groups' values in ",
                  "row order and needs groups of equal size (", length(x1), " and ",
                  length(x2), "); name an id variable ([y, group, id]) to pair by id")
    return(list(x = x1, y = x2, paired = isTRUE(paired), groups = lev, n = nrow(d),
                code = list(pre = character(), wrap = with_all, x = pick(1L), y = pick(2L))))
  }
  if (identical(paired, FALSE))
    panthr_stop("invalid_object", "[y, group, id] pairs the rows of each id: paired cannot be false")
  .panthr_pairs_by_id(d, v, y, g, lev, test)
}

# The paired samples of [y, group, id]: for each id, its y in the first and in the second
# group; ids without both are left out, an id twice in one group is an error.
.panthr_pairs_by_id <- function(d, v, y, g, lev, test) {
  id <- d[[v[[3L]]]]
  i1 <- which(g == lev[[1L]])
  i2 <- which(g == lev[[2L]])
  for (i in list(i1, i2)) {
    if (anyDuplicated(id[i]))
      panthr_stop("invalid_object", "id ", .panthr_q(id[i][anyDuplicated(id[i])]),
                  " occurs twice in group ", .panthr_q(g[i][[1L]]), " of ", .panthr_q(v[[2L]]))
  }
  m <- match(id[i1], id[i2])
  ok <- !is.na(m)
  if (!any(ok)) panthr_stop("invalid_object", test, ": no id has a value in both groups")
  dd <- ".d"
  part <- function(l) {
    paste0(dd, "[", dd, "$", panthr_code_name(v[[2L]]), " == ", panthr_code_value(l), ", ",
           panthr_code_value(c(v[[3L]], v[[1L]])), "]")
  }
  pre <- c(paste0(dd, " <- ", .panthr_code_cc(v)),
           paste0(".p <- merge(", part(lev[[1L]]), ", ", part(lev[[2L]]), ", by = ",
                  panthr_code_value(v[[3L]]), ")"))
  list(x = y[i1][ok], y = y[i2][m[ok]], paired = TRUE, groups = lev, n = 2L * sum(ok),
       code = list(pre = pre, wrap = function(call) call, x = ".p[[2]]", y = ".p[[3]]"))
}
