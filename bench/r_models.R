# Reference fits in R (nlme, lme4, lm) for bench/validate_r.py and
# bench/lagged_apim_bench.py. Installs nothing; needs lme4 and nlme.
#
# Usage: Rscript bench/r_models.R TASK INPUT.csv OUTPUT.csv [name=value ...]
#   lagged    dyad= time= a= b= [slopes=no|yes|by-role] [method=reml|ml] [tight=yes]
#   lagged_nlme  dyad= time= a= b= [slopes=no|yes|by-role] [method=reml|ml]
#             [residuals=independent|by-role|by-role-correlated] [ar1=yes]
#             [x_a= x_b=] [centre=within]
#   (lagged and lagged_nlme take x_a= x_b= (cross-lags) and centre=within (person-mean
#   centring) alike)
#   apim      dyad= outcome= actor= partner= [distinguish=COLUMN] [covariates=C1,C2]
#             [moderator=COLUMN] [method=reml|ml]
#   apim_tests  the same options (distinguish= required): LR tests of distinguishability
#             (ML) and of non-independence (REML)
#   networks  dyad= time= a= b= [min_pairs=10]
#   mlvar     dyad= time= nodes=C1,C2,... [method=reml|ml]: the multilevel VAR of
#             alongside.analytics.mlvar, one lmer per node with uncorrelated random
#             intercept and slopes; rows network, from, to, estimate, std_error (the
#             networks computed from lme4's fits the way mlvar documents), singular
# OUTPUT.csv gets one row per term: term, estimate, std_error (+ extra columns). The
# lagged tasks add the variance components as rows without a standard error: re_sd_i
# and re_cor_i_j of the random effects (in the model matrix's order), sigma, and for
# nlme sigma_ratio and residual_cor; lagged_nlme's column optimiser names the
# optimisers whose restarts raised the likelihood (nlminb, then BFGS and nlminb in turn).

args <- commandArgs(trailingOnly = TRUE)
task <- args[1]
input <- args[2]
output <- args[3]
opts <- args[-(1:3)]

opt <- function(name, default = NULL) {
  hit <- grep(paste0("^", name, "="), opts, value = TRUE)
  if (length(hit)) sub(paste0("^", name, "="), "", hit[1]) else default
}

d <- read.csv(input, check.names = FALSE)

# Index of each row's previous occasion (t - 1) of the same couple, or NA.
previous_row <- function(d, dyad, time) {
  match(paste(d[[dyad]], d[[time]] - 1), paste(d[[dyad]], d[[time]]))
}

# Each couple's mean of a column over the rows where it is observed.
person_mean <- function(d, column) {
  ave(d[[column]], d[[opt("dyad")]], FUN = function(v) mean(v, na.rm = TRUE))
}

# One role's stacked rows: own (o) and partner's (p) columns of y and, with x_a= x_b=,
# of x; with centre=within the lags are centred on each partner's mean, and the means
# are columns of their own.
role_rows <- function(d, prev, role, o, p, xo, xp) {
  centre <- opt("centre", "none") == "within"
  rows <- data.frame(couple = d[[opt("dyad")]], day = d[[opt("time")]], role = role,
                     y = d[[o]], actor_lag = d[[o]][prev], partner_lag = d[[p]][prev])
  if (!is.null(xo)) {
    rows$x_actor_lag <- d[[xo]][prev]
    rows$x_partner_lag <- d[[xp]][prev]
  }
  if (centre) {
    mo <- person_mean(d, o); mp <- person_mean(d, p)
    rows$actor_lag <- rows$actor_lag - mo[prev]
    rows$partner_lag <- rows$partner_lag - mp[prev]
    rows$actor_mean <- mo
    rows$partner_mean <- mp
    if (!is.null(xo)) {
      xmo <- person_mean(d, xo); xmp <- person_mean(d, xp)
      rows$x_actor_lag <- rows$x_actor_lag - xmo[prev]
      rows$x_partner_lag <- rows$x_partner_lag - xmp[prev]
      rows$x_actor_mean <- xmo
      rows$x_partner_mean <- xmp
    }
  }
  rows
}

# The stacked lagged data: two rows per couple and day with a previous day.
stacked <- function(d) {
  a <- opt("a"); b <- opt("b"); xa <- opt("x_a"); xb <- opt("x_b")
  prev <- previous_row(d, opt("dyad"), opt("time"))
  long <- rbind(role_rows(d, prev, "a", a, b, xa, xb), role_rows(d, prev, "b", b, a, xb, xa))
  long <- long[complete.cases(long), ]
  long$role <- factor(long$role)
  long[order(long$couple, long$day, long$role), ]
}

# The fixed part: y ~ 0 + role + role:actor_lag + role:partner_lag (+ role:x_actor_lag
# + role:x_partner_lag) (+ role:actor_mean + role:partner_mean (+ role:x_..._mean)).
fixed_formula <- function() {
  terms <- c("actor_lag", "partner_lag")
  cross <- !is.null(opt("x_a"))
  if (cross) terms <- c(terms, "x_actor_lag", "x_partner_lag")
  if (opt("centre", "none") == "within") {
    terms <- c(terms, "actor_mean", "partner_mean")
    if (cross) terms <- c(terms, "x_actor_mean", "x_partner_mean")
  }
  paste("y ~ 0 + role +", paste0("role:", terms, collapse = " + "))
}

# Variance components as rows: SDs and correlations of the random effects, then sigma.
components <- function(cov, sigma) {
  sd <- sqrt(diag(cov))
  q <- length(sd)
  terms <- paste0("re_sd_", seq_len(q))
  values <- sd
  for (i in seq_len(q)) for (j in seq_len(q)) if (i < j && cov[i, j] != 0) {
    terms <- c(terms, paste0("re_cor_", i, "_", j))
    values <- c(values, cov[i, j] / (sd[i] * sd[j]))
  }
  data.frame(term = c(terms, "sigma"), estimate = c(values, sigma), std_error = NA)
}

if (task == "lagged") {
  suppressMessages(library(lme4))
  long <- stacked(d)
  random <- switch(opt("slopes", "no"),
    yes = "(0 + role + actor_lag + partner_lag | couple)",
    "by-role" = "(0 + role + role:actor_lag + role:partner_lag || couple)",
    "(0 + role | couple)")
  f <- as.formula(paste(fixed_formula(), "+", random))
  reml <- opt("method", "reml") == "reml"
  ctl <- if (opt("tight", "no") == "yes") {
    lmerControl(optimizer = "bobyqa", optCtrl = list(maxfun = 1e5, rhoend = 1e-12))
  } else {
    lmerControl()
  }
  warned <- ""
  seconds <- system.time(
    m <- withCallingHandlers(
      lmer(f, data = long, REML = reml, control = ctl),
      warning = function(w) {
        warned <<- conditionMessage(w)
        invokeRestart("muffleWarning")
      })
  )[["elapsed"]]
  out <- data.frame(term = names(fixef(m)), estimate = unname(fixef(m)),
                    std_error = unname(sqrt(diag(as.matrix(vcov(m))))))
  cov <- as.matrix(Matrix::bdiag(lapply(VarCorr(m), as.matrix)))
  out <- rbind(out, components(cov, sigma(m)))
  out$seconds <- seconds
  out$n_obs <- nrow(long)
  out$criterion <- if (reml) REMLcrit(m) else deviance(m)
  out$warning <- gsub("[\r\n]", " ", warned)
  out$singular <- isSingular(m, tol = 1e-4)  # the rule lagged_apim follows
  write.csv(out, output, row.names = FALSE)
} else if (task == "lagged_nlme") {
  # The same model in nlme, which also fits residual structures: role-specific residual
  # SDs (varIdent) and, within a couple's day, the correlation of the partners'
  # residuals. With two rows per couple and day, corCompSymm(form = ~1 | couple/day) is
  # the same model as corSymm(form = ~ as.integer(role) | couple/day).
  suppressMessages(library(nlme))
  long <- stacked(d)
  random <- switch(opt("slopes", "no"),
    yes = list(couple = pdSymm(~ 0 + role + actor_lag + partner_lag)),
    "by-role" = list(couple = pdBlocked(list(pdSymm(~ 0 + role), pdSymm(~ 0 + role:actor_lag),
                                             pdSymm(~ 0 + role:partner_lag)))),
    list(couple = pdSymm(~ 0 + role)))
  residuals <- opt("residuals", "independent")
  weights <- if (residuals == "independent") NULL else varIdent(form = ~ 1 | role)
  correlation <- if (residuals == "by-role-correlated") {
    corCompSymm(form = ~ 1 | couple / day)
  } else if (opt("ar1", "no") == "yes") {
    # Skipped days: nlme turns corAR1 into corARMA(p = 1), phi^|day - day'|.
    corAR1(form = ~ day | couple / role)
  } else {
    NULL
  }
  # Where nlme stops matters on a flat likelihood (a random-effect correlation near
  # +-1, a singular fit): nlme's default optimiser, nlminb, ignores msTol (only optim
  # reads it) and stops at its own rel.tol (1e-10), short of the maximum. So nlminb runs
  # with rel.tol = 1e-15, and the fit is then restarted from its own solution, with
  # optim's BFGS (finite differences of 1e-6, not optim's 1e-3) and with nlminb in turn,
  # while the log-likelihood still rises; the column optimiser records the steps taken.
  method <- if (opt("method", "reml") == "reml") "REML" else "ML"
  fixed <- as.formula(fixed_formula())
  fit <- function(random, weights, correlation, control) {
    lme(fixed, random = random, weights = weights, correlation = correlation, data = long,
        method = method, control = control)
  }
  tight <- function(em = 100) {
    lmeControl(maxIter = 1000, msMaxIter = 1000, msMaxEval = 5000, tolerance = 1e-14,
               niterEM = em, rel.tol = 1e-15, x.tol = 1e-14, returnObject = TRUE)
  }
  bfgs <- function(n) {
    lmeControl(opt = "optim", optimMethod = "BFGS", maxIter = 1000, msMaxIter = 1000,
               tolerance = 1e-14, msTol = 1e-15, reltol = 1e-15, ndeps = rep(1e-6, n),
               niterEM = 0, returnObject = TRUE)
  }
  restart <- function(m, how) {
    s <- m$modelStruct
    control <- if (how == "BFGS") bfgs(length(coef(s))) else tight(em = 0)
    tryCatch(suppressWarnings(fit(s$reStruct, s$varStruct, s$corStruct, control)),
             error = function(e) NULL)
  }
  seconds <- system.time({
    m <- fit(random, weights, correlation, tight())
    steps <- "nlminb"
    for (round in 1:5) {
      before <- as.numeric(logLik(m))
      for (how in c("BFGS", "nlminb")) {
        again <- restart(m, how)
        if (!is.null(again) && as.numeric(logLik(again)) > as.numeric(logLik(m))) {
          m <- again
          steps <- c(steps, how)
        }
      }
      if (as.numeric(logLik(m)) - before < 1e-9) break
    }
  })[["elapsed"]]
  out <- data.frame(term = names(fixef(m)), estimate = unname(fixef(m)),
                    std_error = unname(sqrt(diag(m$varFix))))
  cov <- unclass(getVarCov(m))
  out <- rbind(out, components(matrix(cov, nrow(cov)), m$sigma))
  if (!is.null(weights)) {
    ratio <- unname(coef(m$modelStruct$varStruct, unconstrained = FALSE))
    out <- rbind(out, data.frame(term = "sigma_ratio", estimate = ratio, std_error = NA))
  }
  if (!is.null(correlation)) {
    rho <- unname(coef(m$modelStruct$corStruct, unconstrained = FALSE))
    name <- if (residuals == "by-role-correlated") "residual_cor" else "residual_ar1"
    out <- rbind(out, data.frame(term = name, estimate = rho, std_error = NA))
  }
  out$seconds <- seconds
  out$n_obs <- nrow(long)
  out$criterion <- -2 * as.numeric(logLik(m))
  out$warning <- ""
  out$singular <- NA
  out$optimiser <- paste(steps, collapse = " > ")
  write.csv(out, output, row.names = FALSE)
} else if (task == "apim" || task == "apim_tests") {
  # Kenny, Kashy & Cook (2006), ch. 7: the APIM as gls with compound-symmetric errors
  # within dyad; covariates c1, c2, ... and a moderator m (with its interactions with
  # the actor and partner effects) as extra terms, per role when distinguishable.
  suppressMessages(library(nlme))
  dd <- data.frame(y = d[[opt("outcome")]], xa = d[[opt("actor")]],
                   xp = d[[opt("partner")]], dyad = d[[opt("dyad")]])
  covariates <- Filter(nchar, strsplit(opt("covariates", ""), ",")[[1]])
  terms <- c("xa", "xp")
  for (i in seq_along(covariates)) {
    dd[[paste0("c", i)]] <- d[[covariates[i]]]
    terms <- c(terms, paste0("c", i))
  }
  moderator <- opt("moderator", "")
  if (moderator != "") {
    dd$m <- d[[moderator]]
    terms <- c(terms, "m", "xa:m", "xp:m")
  }
  dd <- dd[complete.cases(dd), ]
  method <- if (opt("method", "reml") == "reml") "REML" else "ML"
  role <- opt("distinguish", "")
  indistinguishable <- as.formula(paste("y ~", paste(terms, collapse = " + ")))
  fit <- function(formula, weights = NULL, correlation = corCompSymm(form = ~1 | dyad),
                  method = "REML") {
    gls(formula, data = dd, correlation = correlation, weights = weights, method = method)
  }
  if (role != "") {
    dd$role <- factor(trimws(d[[role]][as.integer(rownames(dd))]))
    distinguishable <- as.formula(
      paste("y ~ role +", paste(paste0("role:", terms), collapse = " + "), "- 1"))
  }
  if (task == "apim") {
    m <- if (role == "") {
      fit(indistinguishable, method = method)
    } else {
      fit(distinguishable, weights = varIdent(form = ~1 | role), method = method)
    }
    tt <- summary(m)$tTable
    rho <- unname(coef(m$modelStruct$corStruct, unconstrained = FALSE))
    # sigma is the residual SD of varIdent's reference role (the first in the data).
    sigma_term <- if (role == "") "sigma" else {
      paste0("sigma_", attr(m$modelStruct$varStruct, "groupNames")[1])
    }
    out <- data.frame(term = c(rownames(tt), "rho", sigma_term),
                      estimate = c(tt[, "Value"], rho, m$sigma),
                      std_error = c(tt[, "Std.Error"], NA, NA))
    out$criterion <- -2 * as.numeric(logLik(m))
  } else {
    # The test of distinguishability (Kenny et al., 2006, ch. 6-7): ML fits of the
    # indistinguishable and the distinguishable (two-intercept) model; and the test of
    # non-independence: REML fits with and without the within-dyad correlation.
    ind <- fit(indistinguishable, method = "ML")
    dis <- fit(distinguishable, weights = varIdent(form = ~1 | role), method = "ML")
    a <- anova(ind, dis)
    ind_r <- fit(indistinguishable)
    ind_0 <- fit(indistinguishable, correlation = NULL)
    b <- anova(ind_0, ind_r)
    dis_r <- fit(distinguishable, weights = varIdent(form = ~1 | role))
    dis_0 <- fit(distinguishable, weights = varIdent(form = ~1 | role), correlation = NULL)
    c <- anova(dis_0, dis_r)
    out <- data.frame(
      term = c("distinguishability", "nonindependence", "nonindependence_distinguishable"),
      estimate = c(a$L.Ratio[2], b$L.Ratio[2], c$L.Ratio[2]),
      std_error = NA,
      df = c(diff(a$df), diff(b$df), diff(c$df)),
      p_value = c(a$"p-value"[2], b$"p-value"[2], c$"p-value"[2]))
  }
  write.csv(out, output, row.names = FALSE)
} else if (task == "networks") {
  a <- opt("a"); b <- opt("b")
  min_pairs <- as.integer(opt("min_pairs", "10"))
  prev <- previous_row(d, opt("dyad"), opt("time"))
  d$a_lag <- d[[a]][prev]
  d$b_lag <- d[[b]][prev]
  d$a_now <- d[[a]]
  d$b_now <- d[[b]]
  rows <- list()
  for (couple in split(d, d[[opt("dyad")]])) {
    pairs <- couple[complete.cases(couple[, c("a_lag", "b_lag", "a_now", "b_now")]), ]
    if (nrow(pairs) < min_pairs) next
    fa <- lm(a_now ~ a_lag + b_lag, data = pairs)
    fb <- lm(b_now ~ a_lag + b_lag, data = pairs)
    if (anyNA(coef(fa)) || anyNA(coef(fb))) next
    sa <- summary(fa)$coefficients
    sb <- summary(fb)$coefficients
    rows[[length(rows) + 1]] <- data.frame(
      dyad = couple[[opt("dyad")]][1],
      term = c("intercept_a", "intercept_b", "inertia_a", "inertia_b",
               "carryover_b_to_a", "carryover_a_to_b", "synchrony"),
      estimate = c(sa[1, 1], sb[1, 1], sa[2, 1], sb[3, 1], sa[3, 1], sb[2, 1],
                   cor(resid(fa), resid(fb))),
      std_error = c(sa[1, 2], sb[1, 2], sa[2, 2], sb[3, 2], sa[3, 2], sb[2, 2], NA))
  }
  write.csv(do.call(rbind, rows), output, row.names = FALSE)
} else if (task == "mlvar") {
  # The two-step multilevel VAR (Bringmann et al., 2013; Epskamp et al., 2018) as
  # documented in alongside/analytics/mlvar.py, written here from that definition.
  suppressMessages(library(lme4))
  nodes <- strsplit(opt("nodes"), ",")[[1]]
  K <- length(nodes)
  dy <- opt("dyad"); tm <- opt("time")
  d <- d[order(d[[dy]], d[[tm]]), ]
  prev <- previous_row(d, dy, tm)
  V <- as.matrix(d[, nodes])
  # Each couple's mean of every node over all its occasions with that node observed.
  M <- apply(V, 2, function(v) ave(v, d[[dy]], FUN = function(x) mean(x, na.rm = TRUE)))
  L <- V[prev, , drop = FALSE] - M
  keep <- !is.na(prev) & complete.cases(V) & complete.cases(V[prev, , drop = FALSE])
  frame <- data.frame(couple = d[[dy]], V, L, M)[keep, ]
  names(frame) <- c("couple", paste0("n", 1:K), paste0("l", 1:K), paste0("m", 1:K))
  lags <- paste0("l", 1:K, collapse = " + ")
  reml <- opt("method", "reml") == "reml"
  ctl <- lmerControl(optimizer = "bobyqa", optCtrl = list(maxfun = 1e5, rhoend = 1e-12))
  rows <- list()
  add <- function(network, from, to, estimate, std_error = NA) {
    rows[[length(rows) + 1]] <<- data.frame(network = network, from = from, to = to,
                                            estimate = estimate, std_error = std_error)
  }
  E <- matrix(NA, nrow(frame), K)
  tau <- numeric(K); sigma <- numeric(K)
  gamma <- matrix(0, K, K)
  singular <- logical(K)
  for (j in 1:K) {
    others <- setdiff(1:K, j)
    f <- as.formula(paste0("n", j, " ~ 1 + ", lags, paste0(" + m", others, collapse = ""),
                           " + (1 + ", lags, " || couple)"))
    m <- suppressMessages(lmer(f, data = frame, REML = reml, control = ctl))
    singular[j] <- isSingular(m, tol = 1e-4)
    b <- fixef(m); se <- sqrt(diag(as.matrix(vcov(m))))
    vc <- as.data.frame(VarCorr(m))
    sd_of <- function(term) vc$sdcor[vc$grp != "Residual" & vc$var1 == term]
    add("intercept", nodes[j], nodes[j], b[["(Intercept)"]], se[["(Intercept)"]])
    add("intercept_sd", nodes[j], nodes[j], sd_of("(Intercept)"))
    add("residual_sd", nodes[j], nodes[j], sigma(m))
    for (k in 1:K) {
      add("temporal", nodes[k], nodes[j], b[[paste0("l", k)]], se[[paste0("l", k)]])
      add("temporal_sd", nodes[k], nodes[j], sd_of(paste0("l", k)))
    }
    for (k in others) {
      add("between_effect", nodes[k], nodes[j], b[[paste0("m", k)]], se[[paste0("m", k)]])
      gamma[j, k] <- b[[paste0("m", k)]]
    }
    E[, j] <- residuals(m)
    tau[j] <- sd_of("(Intercept)")
    sigma[j] <- sigma(m)
  }
  pcor <- function(P) -P / sqrt(outer(diag(P), diag(P)))
  contemporaneous <- pcor(solve(crossprod(E) / nrow(E)))
  P <- (diag(K) - gamma) / tau^2
  between <- pcor((P + t(P)) / 2)
  for (j in 1:(K - 1)) for (k in (j + 1):K) {
    add("contemporaneous", nodes[j], nodes[k], contemporaneous[j, k])
    add("between", nodes[j], nodes[k], between[j, k])
  }
  out <- do.call(rbind, rows)
  out$singular <- paste(nodes[singular], collapse = ",")
  out$n_obs <- nrow(frame)
  write.csv(out, output, row.names = FALSE)
} else {
  stop(paste("unknown task", task))
}
