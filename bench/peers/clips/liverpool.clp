;;; The Liverpool SEND policy (rules/send/liverpool.rules over
;;; national.rules) as CLIPS rules.
;;;
;;; Batch: reads the cases as CLIPS fact lines from standard input (made
;;; by tofacts.py: a (case ...) line, its (provision ...) lines, then
;;; 'end'), asserts one case, runs the rules, prints the decisions as one
;;; JSON line in the form of entitle eval --jsonl --no-explain (constant
;;; policy digest), resets, and goes on to the next case.
;;;
;;;   clips -f2 liverpool.clp < cases.facts > decisions.jsonl
;;;
;;; The rules decide (salience orders the stages):
;;;   100  N1 may_request
;;;    50  exclusions (N1, N2, V1) and direct-payment refusals (N3, N4, V2)
;;;    10  provision.included: true unless excluded (the default)
;;;     5  provision.direct_payment: included and not refused (N5, N7)
;;;     0  V3 appeal grounds
;;; The amounts are added up when the result is printed.

(deftemplate case
  (slot case_id (type STRING))
  (slot authority (type SYMBOL))
  (slot decision_date (type STRING))
  (slot date_of_birth (type STRING))
  (slot diagnosis (type STRING))
  (slot ehc_stage (type SYMBOL)
        (allowed-symbols none needs_assessment draft_plan plan_maintained
                         annual_review reassessment))
  (slot short_breaks_assessment (type SYMBOL)
        (allowed-symbols none self common_assessment core_assessment
                         disability_team joint_agency))
  (slot personal_budget_requested (default FALSE))
  (slot exceptional_circumstances (default FALSE))
  (slot continuing_care_eligible (default FALSE))
  (slot family_disputes_amount (default FALSE)))

(deftemplate provision
  (slot seq (type INTEGER))
  (slot id (type STRING))
  (slot stream (type SYMBOL)
        (allowed-symbols education health social_care transport))
  (slot service (type STRING))
  (slot short_break_service (type SYMBOL))
  (slot annual_cost (type INTEGER))          ; pence
  (slot universal (default FALSE))
  (slot school_placement (default FALSE))
  (slot setting_provides (default FALSE))
  (slot gp_or_emergency_care (default FALSE))
  (slot block_contract (default FALSE))
  (slot affects_others (default FALSE))
  (slot employs_household_member (default FALSE))
  (slot setting_agrees (default FALSE))
  (slot in_request (default FALSE))
  ;; decisions
  (slot included (default unknown))
  (slot direct_payment (default unknown)))

;;; N1
(defrule n1-request-stages
  (declare (salience 100))
  (case (ehc_stage draft_plan|annual_review|reassessment))
  =>
  (assert (may-request)))

(defrule n1-nothing-included-outside-request-stages
  (declare (salience 50))
  (not (may-request))
  (provision (id ?p))
  =>
  (assert (excluded ?p n1)))

;;; N2
(defrule n2-universal-service
  (declare (salience 50))
  (provision (id ?p) (universal TRUE))
  =>
  (assert (excluded ?p n2)))

;;; V1
(defrule v1-block-contract
  (declare (salience 50))
  (provision (id ?p) (block_contract TRUE))
  =>
  (assert (excluded ?p v1-block-contract)))

(defrule v1-shared-service
  (declare (salience 50))
  (provision (id ?p) (affects_others TRUE))
  =>
  (assert (excluded ?p v1-shared-service)))

;;; N3, N4
(defrule n3-school-placement
  (declare (salience 50))
  (provision (id ?p) (school_placement TRUE))
  =>
  (assert (no-direct-payment ?p n3)))

(defrule n4-affects-others
  (declare (salience 50))
  (provision (id ?p) (affects_others TRUE))
  =>
  (assert (no-direct-payment ?p n4)))

;;; V2
(defrule v2-household-member
  (declare (salience 50))
  (case (exceptional_circumstances FALSE))
  (provision (id ?p) (employs_household_member TRUE))
  =>
  (assert (no-direct-payment ?p v2)))

;;; provision.included (default true)
(defrule included-default
  (declare (salience 10))
  ?f <- (provision (id ?p) (included unknown))
  (not (excluded ?p ?))
  =>
  (modify ?f (included TRUE)))

(defrule included-excluded
  (declare (salience 10))
  ?f <- (provision (id ?p) (included unknown))
  (exists (excluded ?p ?))
  =>
  (modify ?f (included FALSE)))

;;; provision.direct_payment: N5, then the refusals, then N7 (included)
(defrule n5-only-included
  (declare (salience 5))
  ?f <- (provision (included FALSE) (direct_payment unknown))
  =>
  (modify ?f (direct_payment FALSE)))

(defrule direct-payment-refused
  (declare (salience 5))
  ?f <- (provision (id ?p) (included TRUE) (direct_payment unknown))
  (exists (no-direct-payment ?p ?))
  =>
  (modify ?f (direct_payment FALSE)))

(defrule n7-direct-payment
  (declare (salience 5))
  ?f <- (provision (id ?p) (included TRUE) (direct_payment unknown))
  (not (no-direct-payment ?p ?))
  =>
  (modify ?f (direct_payment TRUE)))

;;; V3
(defrule v3-provision-not-offered
  (provision (in_request TRUE) (included FALSE))
  =>
  (assert (ground provision_not_offered)))

(defrule v3-budget-refused
  (case (personal_budget_requested TRUE))
  (not (and (may-request) (provision (included TRUE))))
  =>
  (assert (ground budget_refused)))

(defrule v3-amount-insufficient
  (case (family_disputes_amount TRUE))
  =>
  (assert (ground amount_insufficient)))

;;; Output

(deffunction money (?p)
  (format nil "\"%d.%02d\"" (div ?p 100) (mod ?p 100)))

(deffunction bool (?b)
  (if (eq ?b TRUE) then "true" else "false"))

(deffunction by-seq (?a ?b)
  (> (fact-slot-value ?a seq) (fact-slot-value ?b seq)))

(deffunction emit ()
  (bind ?edu 0) (bind ?hea 0) (bind ?soc 0) (bind ?tra 0) (bind ?dp 0)
  (do-for-fact ((?c case)) TRUE
    (printout t "{\"case_id\":\"" ?c:case_id "\",\"policy\":{\"name\":"
      "\"Liverpool City Council: A Guide to Personalisation and Personal "
      "Budgets\",\"version\":\"Revised May 2018\",\"digest\":\"sha256:clips\"}"
      ",\"decisions\":{\"may_request\":"
      (if (any-factp ((?m may-request)) TRUE) then "true" else "false")
      ",\"provisions\":{"))
  (bind ?sep "")
  ;; Rules modify the provision facts, so fact order is not plan order.
  (foreach ?p (sort by-seq (find-all-facts ((?q provision)) TRUE))
    (bind ?inc (fact-slot-value ?p included))
    (bind ?pay (fact-slot-value ?p direct_payment))
    (bind ?cost (fact-slot-value ?p annual_cost))
    (printout t ?sep "\"" (fact-slot-value ?p id) "\":{\"included\":"
      (bool ?inc) ",\"direct_payment\":" (bool ?pay) "}")
    (bind ?sep ",")
    (if (eq ?inc TRUE) then
      (switch (fact-slot-value ?p stream)
        (case education then (bind ?edu (+ ?edu ?cost)))
        (case health then (bind ?hea (+ ?hea ?cost)))
        (case social_care then (bind ?soc (+ ?soc ?cost)))
        (case transport then (bind ?tra (+ ?tra ?cost)))))
    (if (eq ?pay TRUE) then
      (bind ?dp (+ ?dp ?cost))))
  (printout t "},\"budget\":{\"education\":" (money ?edu)
    ",\"health\":" (money ?hea) ",\"social_care\":" (money ?soc)
    ",\"transport\":" (money ?tra)
    ",\"total\":" (money (+ ?edu ?hea ?soc ?tra))
    "},\"direct_payment_total\":" (money ?dp) ",\"appeal_grounds\":[")
  (bind ?sep "")
  (foreach ?g (create$ amount_insufficient budget_refused provision_not_offered)
    (if (any-factp ((?f ground)) (eq (nth$ 1 ?f:implied) ?g)) then
      (printout t ?sep "\"" ?g "\"")
      (bind ?sep ",")))
  (printout t "]}}" crlf))

(deffunction main ()
  (bind ?n 0)
  (bind ?line (readline stdin))
  (while (neq ?line EOF)
    (if (eq ?line "end") then
      (run)
      (emit)
      (reset)
      (bind ?n (+ ?n 1))
    else
      (assert-string ?line))
    (bind ?line (readline stdin)))
  ?n)

(main)
(exit)
