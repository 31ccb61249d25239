# Post hoc comparisons and assumption checks of aov (models-anova.R). Every factor term of
# the model (main effects and interactions) gets its pairs of groups: for an interaction the
# groups are its cells, named "a:b" as TukeyHSD names them. group1 is the later group,
# group2 the earlier one, difference = mean(group1) - mean(group2), in TukeyHSD's order.

# Games-Howell as plain R: the same lines run here and go into r_code (one source).
.panthr_gh_source <- c(
  "games_howell <- function(y, g) {",
  "  g <- droplevels(as.factor(g))",
  "  m <- tapply(y, g, mean)",
  "  n <- tapply(y, g, length)",
  "  v <- tapply(y, g, var) / n",
  "  k <- nlevels(g)",
  "  pair <- which(lower.tri(diag(k)), arr.ind = TRUE)",
  "  j <- pair[, 1]",
  "  i <- pair[, 2]",
  "  d <- unname(m[j] - m[i])",
  "  se <- unname(sqrt(v[j] + v[i]))",
  "  df <- unname((v[j] + v[i])^2 / (v[j]^2 / (n[j] - 1) + v[i]^2 / (n[i] - 1)))",
  "  q <- qtukey(0.95, k, df) / sqrt(2)",
  "  data.frame(group1 = levels(g)[j], group2 = levels(g)[i], difference = d,",
  "             conf_low = d - q * se, conf_high = d + q * se,",
  "             p_value = ptukey(abs(d / se) * sqrt(2), k, df, lower.tail = FALSE))",
  "}")
.panthr_games_howell <- local({
  env <- new.env(parent = globalenv())  # stats on the search path, as in Rscript
  eval(parse(text = .panthr_gh_source, keep.source = FALSE), envir = env)
  env$games_howell
})

#' The groups of each factor term (all its variables factors): the cells of the data, and
#' the same as code. @return list of list(term, g = factor, code).
.panthr_cells <- function(md, sets) {
  factor_terms <- Filter(function(ix) all(md$nominal[ix]), sets)
  lapply(factor_terms, function(ix) {
    cols <- lapply(ix, function(j) md$data[[j]])
    code <- paste0("used$", panthr_code_name(md$outer[ix]))
    list(term = paste(md$outer[ix], collapse = ":"),
         g = if (length(ix) == 1L) cols[[1L]] else
           do.call(interaction, c(cols, sep = ":", drop = TRUE)),
         code = if (length(ix) == 1L) code else
           paste0("interaction(", paste(code, collapse = ", "), ", sep = \":\", drop = TRUE)"))
  })
}

# TukeyHSD's rows as a table; its pairs are those of outer(names, names)[lower.tri].
.panthr_tukey_rows <- function(hsd, term, fit, sets, md) {
  ix <- sets[[match(term, .panthr_term_labels(sets, md))]]
  lv <- lapply(ix, function(j) levels(md$data[[j]]))
  nms <- if (length(lv) == 1L) lv[[1L]] else
    apply(do.call(expand.grid, lv), 1L, paste, collapse = ":")
  keep <- lower.tri(diag(length(nms)))
  h <- hsd[[term]]
  data.frame(term = term, group1 = outer(nms, nms, function(a, b) a)[keep],
             group2 = outer(nms, nms, function(a, b) b)[keep], difference = unname(h[, 1L]),
             conf_low = unname(h[, 2L]), conf_high = unname(h[, 3L]),
             p_value = unname(h[, 4L]), stringsAsFactors = FALSE)
}

# pairwise.t.test's adjusted p values (pooled SD) with the raw differences of means.
.panthr_pairwise_rows <- function(y, cell, method) {
  g <- droplevels(cell$g)
  k <- nlevels(g)
  p <- stats::pairwise.t.test(y, g, p.adjust.method = method)$p.value
  pair <- which(lower.tri(diag(k)), arr.ind = TRUE)
  m <- tapply(y, g, mean)
  data.frame(term = cell$term, group1 = levels(g)[pair[, 1L]], group2 = levels(g)[pair[, 2L]],
             difference = unname(m[pair[, 1L]] - m[pair[, 2L]]), conf_low = NA_real_,
             conf_high = NA_real_, p_value = p[cbind(pair[, 1L] - 1L, pair[, 2L])],
             stringsAsFactors = FALSE)
}

#' The post hoc table of every factor term, and its code.
#' @param method "tukey", "holm", "bonferroni" or "games_howell".
#' @return list(table = data.frame(term, group1, group2, difference, conf_low, conf_high,
#'   p_value), code = character lines).
.panthr_posthoc <- function(method, fit, md, cells) {
  if (!length(cells)) panthr_stop("invalid_object", "posthoc needs a nominal factor")
  y <- md$data[[1L]]
  yc <- paste0("used$", panthr_code_name(md$outer[[1L]]))
  terms <- vapply(cells, `[[`, "", "term")
  sets <- .panthr_term_sets(fit, md)
  if (method == "tukey") {
    # A covariate makes R warn "non-factors ignored" with the internal name: not news here.
    hsd <- withCallingHandlers(
      stats::TukeyHSD(fit, which = .panthr_inner_terms(terms, fit, sets, md)),
      warning = function(w) {
        if (grepl("non-factors ignored", conditionMessage(w))) invokeRestart("muffleWarning")
      })
    names(hsd) <- terms
    rows <- lapply(terms, function(t) .panthr_tukey_rows(hsd, t, fit, sets, md))
    code <- .panthr_tukey_code(terms, sets, md)
  } else if (method == "games_howell") {
    rows <- lapply(cells, function(cl) cbind(term = cl$term, .panthr_games_howell(y, cl$g)))
    code <- c(.panthr_gh_source,
              vapply(cells, function(cl) paste0("games_howell(", yc, ", ", cl$code, ")"), ""))
  } else {
    rows <- lapply(cells, function(cl) .panthr_pairwise_rows(y, cl, method))
    code <- unlist(lapply(cells, function(cl) c(
      paste0("pairwise.t.test(", yc, ", ", cl$code, ", p.adjust.method = \"", method, "\")"),
      paste0("m <- tapply(", yc, ", ", cl$code, ", mean)"), "outer(m, m, \"-\")")))
  }
  table <- do.call(rbind, rows)
  table[c("difference", "conf_low", "conf_high", "p_value")] <-
    lapply(table[c("difference", "conf_low", "conf_high", "p_value")], .panthr_finite)
  list(table = table, code = code)
}

# TukeyHSD as code. R's TukeyHSD cannot find a column whose name needs backticks (a
# reserved word such as `function`: "undefined columns selected"), so with such names the
# code fits again on `used` under make.names' names, as the server fits on names of its own.
.panthr_tukey_code <- function(terms, sets, md) {
  safe <- make.names(md$outer, unique = TRUE)
  if (identical(safe, md$outer))
    return(paste0("TukeyHSD(fit, which = ", panthr_code_value(terms), ")"))
  sm <- md
  sm$outer <- safe
  which <- .panthr_term_labels(sets[match(terms, .panthr_term_labels(sets, md))], sm)
  c(paste0("safe <- setNames(used, ", panthr_code_value(safe), ")"),
    paste0("TukeyHSD(aov(", .panthr_terms_formula(sm, sets, user = TRUE),
           ", data = safe), which = ", panthr_code_value(which), ")"))
}

# The fit's own (internal) labels of user-named terms, for TukeyHSD's `which`.
.panthr_inner_terms <- function(terms, fit, sets, md) {
  attr(stats::terms(fit), "term.labels")[match(terms, .panthr_term_labels(sets, md))]
}

#' Levene's test centred on the medians of the cells (Brown-Forsythe), as
#' anova(lm(abs(y - ave(y, cell, FUN = median)) ~ cell)) gives it, by the one-way sums of
#' squares directly (on 1e6 rows the model's fit and its anova took most of an aov's time).
#' @return list(statistic, df = I(c(between, within)), p_value).
.panthr_levene <- function(y, cell) {
  k <- nlevels(cell)
  g <- as.integer(cell)
  z <- abs(y - vapply(split(y, cell), stats::median, 0)[g])
  n <- tabulate(g, k)
  means <- as.vector(rowsum(z, g, reorder = TRUE)) / n
  within <- sum((z - means[g])^2)
  between <- sum(n * (means - sum(z) / length(z))^2)
  # An essentially perfect fit (anova.lm's test: residual SS below 1e-10 of the fitted
  # values' squares): the sums of squares are rounding noise, and their F differs with the
  # order of additions. R's own anova(lm()) then, with its warning ("ANOVA F-tests on an
  # essentially perfect fit are unreliable"), as the r_code prints it.
  if (within < 1e-10 * sum(n * means^2) || within == 0) {
    a <- stats::anova(stats::lm(z ~ cell))
    return(list(statistic = a[["F value"]][[1L]], df = I(a[["Df"]]),
                p_value = a[["Pr(>F)"]][[1L]]))
  }
  df <- c(k - 1L, length(z) - k)
  f <- (between / df[[1L]]) / (within / df[[2L]])
  list(statistic = f, df = I(df), p_value = stats::pf(f, df[[1L]], df[[2L]], lower.tail = FALSE))
}

#' Levene (median-centred, across the cells of all factors; NULL with covariates or fewer
#' than two cells) and Shapiro-Wilk of the residuals (NULL, with a warning, outside R's
#' 3..5000), and their code. @return list(value = list(levene, shapiro), code).
.panthr_assumptions <- function(fit, md, cells, covariates) {
  factors <- which(md$nominal)
  y <- md$data[[1L]]
  yc <- paste0("used$", panthr_code_name(md$outer[[1L]]))
  levene <- NULL
  code <- character()
  if (!covariates && length(factors)) {
    cols <- lapply(factors, function(j) md$data[[j]])
    cell <- droplevels(do.call(interaction, c(cols, drop = TRUE)))
    if (nlevels(cell) >= 2L) {
      levene <- .panthr_levene(y, cell)
      fc <- paste0("used$", panthr_code_name(md$outer[factors]))
      code <- c(paste0("cell <- ", if (length(fc) == 1L) fc else
        paste0("interaction(", paste(fc, collapse = ", "), ", drop = TRUE)")),
        paste0("anova(lm(abs(", yc, " - ave(", yc, ", cell, FUN = median)) ~ cell))"))
    }
  }
  r <- stats::residuals(fit)
  shapiro <- NULL
  if (length(r) >= 3L && length(r) <= 5000L) {
    s <- stats::shapiro.test(r)
    shapiro <- list(statistic = unname(s$statistic), p_value = s$p.value)
    code <- c(code, "shapiro.test(residuals(fit))")
  } else {
    warning("Shapiro-Wilk needs 3 to 5000 residuals, there are ", length(r), call. = FALSE)
  }
  list(value = list(levene = levene, shapiro = shapiro), code = code)
}
