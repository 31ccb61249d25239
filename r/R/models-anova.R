# Analysis of variance (API.md "Analyses added in API 1.1"): aov with factors and
# covariates, type 1/2/3 sums of squares, effect sizes, post hoc comparisons (models-posthoc.R)
# and assumption checks. Type 2 and 3 follow car::Anova's definitions without car: type 2
# compares models that respect marginality, type 3 is drop1 with sum-to-zero contrasts.

# One table row per term then "Residuals": df, sum_sq, mean_sq, f_value, p_value.
.panthr_anova_rows <- function(terms, df, ss, df_res, ss_res) {
  ms_res <- ss_res / df_res
  f <- (ss / df) / ms_res
  data.frame(term = c(terms, "Residuals"), df = c(df, df_res), sum_sq = c(ss, ss_res),
             mean_sq = c(ss / df, ms_res), f_value = c(f, NA_real_),
             p_value = c(stats::pf(f, df, df_res, lower.tail = FALSE), NA_real_),
             stringsAsFactors = FALSE)
}

# Type 2: a term's SS is the RSS without it and its higher-order relatives minus the RSS
# without the relatives only; F against the full model's residual mean square.
.panthr_anova_type2 <- function(fit, md, sets) {
  rss <- function(keep) {
    m <- stats::lm(.panthr_terms_formula(md, sets[keep]), data = md$data)
    c(stats::deviance(m), stats::df.residual(m))
  }
  rows <- lapply(seq_along(sets), function(t) {
    relatives <- vapply(sets, function(s) length(s) > length(sets[[t]]) &&
                          all(sets[[t]] %in% s), logical(1L))
    with <- rss(!relatives)
    without <- rss(!relatives & seq_along(sets) != t)
    c(df = without[[2L]] - with[[2L]], ss = without[[1L]] - with[[1L]])
  })
  list(df = vapply(rows, `[[`, 0, "df"), ss = vapply(rows, `[[`, 0, "ss"))
}

# Type 3: drop1(fit, . ~ ., test = "F") of the model refitted with contr.sum for every factor.
.panthr_anova_type3 <- function(md, formula) {
  factors <- md$inner[md$nominal]
  contrasts <- stats::setNames(rep(list("contr.sum"), length(factors)), factors)
  fit3 <- stats::lm(formula, data = md$data, contrasts = if (length(contrasts)) contrasts)
  d <- stats::drop1(fit3, . ~ ., test = "F")
  list(df = d[["Df"]][-1L], ss = d[["Sum of Sq"]][-1L])
}

# eta_sq, partial_eta_sq and omega_sq of each term (NA on the Residuals row); SS_total is the
# sum of the table's SS, the residuals' included (the total SS for type 1).
.panthr_effect_sizes <- function(tab) {
  res <- nrow(tab)
  ss <- tab$sum_sq
  ms_res <- tab$mean_sq[[res]]
  total <- sum(ss)
  na_last <- function(x) c(x[-res], NA_real_)
  tab$eta_sq <- na_last(ss / total)
  tab$partial_eta_sq <- na_last(ss / (ss + ss[[res]]))
  tab$omega_sq <- na_last((ss - tab$df * ms_res) / (total + ms_res))
  tab
}

#' Analysis of variance.
#' @param data data.frame; @param variables character: [y, factor1, ..., covariate...]: y
#'   scalar; nominal, ordinal or logical columns are factors, scalar ones covariates.
#' @param options named list: interactions (flag, FALSE: all interactions of the factors),
#'   ss_type (1, 2 or 3; 1), posthoc ("tukey", "holm", "bonferroni", "games_howell").
#' @return list(table = {columns = term, df, sum_sq, mean_sq, f_value, p_value, eta_sq,
#'   partial_eta_sq, omega_sq; rows: one per term then "Residuals"}, posthoc (or NULL),
#'   assumptions = list(levene, shapiro), r_code, n).
panthr_aov <- function(data, variables, options = list()) {
  .panthr_known_options(options, c("interactions", "ss_type", "posthoc"))
  .panthr_vars(data, variables, 2L, Inf)
  interactions <- panthr_option(options, "interactions", FALSE, "flag")
  ss_type <- panthr_option(options, "ss_type", 1, "number")
  if (!(ss_type %in% 1:3)) panthr_stop("invalid_object", "option ss_type must be 1, 2 or 3")
  posthoc <- panthr_option(options, "posthoc", NULL, "choice",
                           c("tukey", "holm", "bonferroni", "games_howell"))
  md <- .panthr_model_frame(data, variables, c("scalar", rep("term", length(variables) - 1L)))
  factors <- which(md$nominal)
  covariates <- setdiff(seq_along(variables)[-1L], factors)
  mf <- .panthr_model_formula(md, factors, covariates, interactions)
  fit <- stats::aov(mf$formula, data = md$data)
  if (stats::df.residual(fit) < 1L)
    panthr_stop("invalid_object", "aov needs more rows than parameters (no residual df left)")
  sets <- .panthr_term_sets(fit, md)
  terms <- .panthr_term_labels(sets, md)
  parts <- switch(ss_type, {
    # summary.aov leaves out a term with no degrees of freedom left (an aliased one)
    tab <- summary(fit)[[1L]]
    res <- nrow(tab)
    labels <- attr(stats::terms(fit), "term.labels")
    terms <- terms[match(trimws(rownames(tab))[-res], labels)]
    list(df = tab[["Df"]][-res], ss = tab[["Sum Sq"]][-res])
  }, .panthr_anova_type2(fit, md, sets), .panthr_anova_type3(md, mf$formula))
  table <- .panthr_anova_rows(terms, parts$df, parts$ss, stats::df.residual(fit),
                              stats::deviance(fit))
  table <- .panthr_effect_sizes(table)
  cells <- .panthr_cells(md, sets)
  # A logical factor is a factor of levels FALSE, TRUE here (TukeyHSD and contr.sum need one).
  fix <- vapply(md$outer[md$logical], function(v) {
    col <- paste0("used$", panthr_code_name(v))
    paste0(col, " <- factor(", col, ")")
  }, "")
  code <- c(.panthr_used_code(md), fix, paste0("fit <- aov(", mf$code, ", data = used)"),
            .panthr_anova_code(ss_type, md, sets, mf$code))
  ph <- NULL
  if (!is.null(posthoc)) {
    ph <- .panthr_posthoc(posthoc, fit, md, cells)
    code <- c(code, ph$code)
  }
  assumptions <- .panthr_assumptions(fit, md, cells, length(covariates) > 0L)
  list(table = panthr_table(table), posthoc = if (!is.null(ph)) panthr_table(ph$table),
       assumptions = assumptions$value,
       r_code = panthr_r_code(code, assumptions$code), n = md$n)
}

# The code of the table: R's own table of the type, then the effect sizes from it.
.panthr_anova_code <- function(ss_type, md, sets, formula_code) {
  lines <- switch(ss_type, c(
    "tab <- summary(fit)[[1]]", "tab",
    "df <- tab$Df", "ss <- tab[[\"Sum Sq\"]]"
  ), .panthr_type2_code(md, sets), {
    factors <- md$outer[md$nominal]
    contrasts <- if (length(factors))
      paste0(", contrasts = list(", paste0(panthr_code_name(factors), " = \"contr.sum\"",
                                          collapse = ", "), ")") else ""
    c(paste0("fit3 <- lm(", formula_code, ", data = used", contrasts, ")"),
      "tab <- drop1(fit3, . ~ ., test = \"F\")", "tab",
      "df <- c(tab$Df[-1], df.residual(fit3))",
      "ss <- c(tab[[\"Sum of Sq\"]][-1], deviance(fit3))")
  })
  c(lines, "ms <- ss / df",
    "ms_res <- ms[length(ms)]",
    paste0("data.frame(df, sum_sq = ss, mean_sq = ms, eta_sq = ss / sum(ss), ",
           "partial_eta_sq = ss / (ss + ss[length(ss)]), ",
           "omega_sq = (ss - df * ms_res) / (sum(ss) + ms_res))"))
}

# Type 2 as code: one model comparison per term (without the term and its higher-order
# relatives against without the relatives only), F against the full model.
.panthr_type2_code <- function(md, sets) {
  rows <- vapply(seq_along(sets), function(t) {
    relatives <- vapply(sets, function(s) length(s) > length(sets[[t]]) &&
                          all(sets[[t]] %in% s), logical(1L))
    with <- .panthr_terms_formula(md, sets[!relatives], user = TRUE)
    without <- .panthr_terms_formula(md, sets[!relatives & seq_along(sets) != t], user = TRUE)
    paste0("  ", panthr_code_value(paste(md$outer[sets[[t]]], collapse = ":")),
           " = type2(", without, ", ", with, ")")
  }, "")
  c("type2 <- function(without, with) {",
    "  m0 <- lm(without, data = used)",
    "  m1 <- lm(with, data = used)",
    "  df <- df.residual(m0) - df.residual(m1)",
    "  ss <- deviance(m0) - deviance(m1)",
    "  f <- ss / df / (deviance(fit) / df.residual(fit))",
    "  c(df = df, sum_sq = ss, f_value = f,",
    "    p_value = pf(f, df, df.residual(fit), lower.tail = FALSE))",
    "}",
    "tab <- rbind(", paste0(rows, c(rep(",", length(rows) - 1L), "")), ")", "tab",
    "df <- c(tab[, \"df\"], df.residual(fit))",
    "ss <- c(tab[, \"sum_sq\"], deviance(fit))")
}

panthr_register("test", "aov", panthr_aov)
