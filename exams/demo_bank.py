"""The demo question bank: safety-production questions for the harbour construction company's
"Safety production knowledge training", by category path.

A data module, longer than the others on purpose: one compact tuple per question,
``(type, difficulty, stem, key, explanation, tags)``, where the key is

- single / multiple choice: the options in order, the correct ones marked with a leading ``*``;
- true / false: ``True`` or ``False``;
- fill in the blank: one string per ``___`` blank in the stem, its accepted answers separated
  by ``|``;
- short answer: the reference answer for the graders;

and ``tags`` is a comma-separated string. ``exams.demo`` turns the rows into ``QuestionInput``.

The facts follow Chinese law and standards: the Work Safety Law (2021 revision), the
Regulations on the Reporting, Investigation and Handling of Production Safety Accidents (State
Council Decree 493), GB/T 3608 (work at height), JGJ 46 (temporary electricity on
construction sites), JGJ 80 (work at height on building sites), GB 50720 (fire safety on
construction sites), GB 50444 (fire extinguishers), GB/T 4968 (fire classes), GB 8958
(oxygen deficiency) and the current CPR guidelines.
"""

S, M, TF, FB, SA = "single", "multiple", "true_false", "fill_blank", "short_answer"

LAWS = "Laws and regulations"
EXTINGUISHERS = "Fire safety/Extinguishers"
EVACUATION = "Fire safety/Evacuation"
HOT_WORK = "Fire safety/Hot work"
FIRE = "Fire safety"
ELECTRICAL = "Electrical safety"
GAS = "Gas safety"
HEIGHT = "Work at height"
CHEMICALS = "Hazardous chemicals"
CONFINED = "Confined space"
FIRST_AID = "First aid"
MARITIME = "Maritime safety"

BANK: dict[str, list[tuple]] = {
    LAWS: [
        (
            S, 1,
            "What is the basic policy of work safety in China?",
            [
                "*Safety first, prevention first, comprehensive management",
                "Production first, safety second",
                "Efficiency first, safety where affordable",
                "Punishment first, education second",
            ],
            (
                "Article 3 of the Work Safety Law: work safety follows the policy of “safety "
                "first, prevention first, comprehensive management” "
                "(安全第一、预防为主、综合治理)."
            ),
            "work safety law, policy",
        ),
        (
            S, 2,
            (
                "Under the Work Safety Law, who is the first person responsible for work safety in "
                "a company and fully responsible for it?"
            ),
            [
                "*The principal person in charge, such as the general manager",
                "The safety officer of the Quality and Safety Department",
                "The captain of each crew",
                "Each worker, for himself only",
            ],
            (
                "Article 5: the principal person in charge of a production and business unit is "
                "the first person responsible for its work safety and is fully responsible for it; "
                "the other persons in charge answer for work safety within their own duties."
            ),
            "work safety law, responsibility",
        ),
        (
            S, 1,
            "What is the “three-level safety education” that every new worker receives?",
            [
                "*Education at company level, at project department level and at team (crew) level",
                "Education at national, provincial and city level",
                "A lesson, a film and a test on the first day",
                "Education before, during and after each shift",
            ],
            (
                "New workers are educated by the company (laws, rules, general hazards), by the "
                "project department or workshop (the project’s hazards and rules) and by their "
                "team or crew (the job’s operating procedures, equipment and protective equipment) "
                "before they start work."
            ),
            "training, three-level education",
        ),
        (
            S, 2,
            (
                "Which workers must, under the Work Safety Law, pass special safety training and "
                "hold a qualification certificate before they may work?"
            ),
            [
                (
                    "*Special operations personnel such as electricians, welders, gas cutters and "
                    "scaffolders"
                ),
                "Every office clerk",
                "Only the managers of the company",
                "Only workers older than fifty",
            ],
            (
                "Article 30: special operations personnel must receive special safety training "
                "under state rules and obtain the corresponding qualification before they take up "
                "their posts."
            ),
            "work safety law, special operations, certificates",
        ),
        (
            S, 3,
            "What are the “three simultaneities” (三同时) of a construction project?",
            [
                (
                    "*Its safety facilities are designed, built and put into use at the same time "
                    "as the main works"
                ),
                "Safety, quality and progress are inspected on the same day",
                "The owner, the contractor and the supervisor sign the plan at the same time",
                "Training, examination and certification take place in the same week",
            ],
            (
                "Article 31: the safety facilities of a new, rebuilt or expanded project are "
                "designed, constructed, and put into production and use at the same time as the "
                "main works, and their cost is part of the project budget."
            ),
            "work safety law, three simultaneities",
        ),
        (
            S, 3,
            (
                "A worker meets an emergency that directly endangers his life. What right does the "
                "Work Safety Law give him?"
            ),
            [
                (
                    "*To stop work, or to leave the workplace after taking the emergency measures "
                    "he can"
                ),
                "None: he must first finish the task he was given",
                "To leave only with the written consent of his crew captain",
                "To ask for a bonus before he goes on working",
            ],
            (
                "Article 55: on finding an emergency that directly endangers personal safety, an "
                "employee may stop work or leave the workplace after taking possible emergency "
                "measures; the company may not cut his wages or end his contract for it."
            ),
            "work safety law, rights",
        ),
        (
            S, 2,
            "Which of these is an obligation of every worker under the Work Safety Law?",
            [
                (
                    "*To report a hazard or unsafe factor at once to the site safety staff or the "
                    "person in charge"
                ),
                "To repair any electrical fault he finds himself",
                "To decide alone whether to wear protective equipment",
                "To keep hazards quiet so that the work is not delayed",
            ],
            (
                "Article 59: an employee who finds an accident hazard or another unsafe factor "
                "reports it at once to the on-site safety management staff or the person in charge "
                "of the unit."
            ),
            "work safety law, obligations, hazards",
        ),
        (
            S, 3,
            "How are production safety accidents graded in China?",
            [
                "*Especially serious, serious, relatively serious and ordinary accidents",
                "Class A, class B and class C accidents",
                "Minor, major and fatal accidents",
                "Red, orange, yellow and blue accidents",
            ],
            (
                "The Regulations on the Reporting, Investigation and Handling of Production Safety "
                "Accidents (2007) grade accidents into four levels by deaths, serious injuries and "
                "direct economic loss. Red, orange, yellow and blue are the levels of early "
                "warnings, not of accidents."
            ),
            "accidents, accident grades",
        ),
        (
            S, 4,
            (
                "An accident on a construction site kills three workers. Which grade of accident "
                "is it?"
            ),
            [
                "*A relatively serious accident (较大事故)",
                "An ordinary accident",
                "A serious accident",
                "An especially serious accident",
            ],
            (
                "3 to 9 deaths (or 10 to 49 serious injuries, or a direct loss of 10 to 50 million "
                "yuan) make a relatively serious accident; the lower bound counts, so three deaths "
                "are already in this grade. Fewer than three deaths is an ordinary accident."
            ),
            "accidents, accident grades",
        ),
        (
            S, 3,
            (
                "After being told of an accident, within what time must the company’s person in "
                "charge report it to the local work safety authority?"
            ),
            ["*Within 1 hour", "Within 12 hours", "Within 3 days", "In the monthly safety report"],
            (
                "The on-site people report at once to the person in charge of the unit, who "
                "reports within 1 hour to the work safety department of the local government at "
                "county level or above and to the other departments concerned."
            ),
            "accidents, reporting",
        ),
        (
            S, 1,
            "Which month is China’s national “Safety Production Month”?",
            ["January", "March", "*June", "November"],
            (
                "Since 2002 June has been the national Safety Production Month, with a theme each "
                "year; 9 November is the Fire Safety Day."
            ),
            "safety month",
        ),
        (
            M, 3,
            "Which of these are rights of employees under the Work Safety Law?",
            [
                (
                    "*To know the hazards of the workplace, the preventive measures and the "
                    "emergency measures"
                ),
                "*To criticise, report and accuse problems in the company’s work safety",
                "*To refuse orders that break the rules and orders to take forced risks",
                "To skip safety training when the work is urgent",
            ],
            (
                "Articles 53 and 54: employees have the right to know the hazards and measures, to "
                "make suggestions, to criticise, report and accuse, and to refuse orders against "
                "the rules and forced risky work. Training is a duty (Article 58), not a choice."
            ),
            "work safety law, rights",
        ),
        (
            M, 2,
            "Which are the “three violations” (三违) that safety management fights?",
            [
                "*Giving orders against the rules",
                "*Working against the rules",
                "*Breaking labour discipline",
                "Working overtime with approval",
            ],
            (
                "The three violations are 违章指挥 (directing against the rules), 违章作业 "
                "(operating against the rules) and 违反劳动纪律 (breaking labour discipline); most "
                "accidents involve at least one of them."
            ),
            "three violations, discipline",
        ),
        (
            M, 4,
            "Which are the “four no-let-go” principles (四不放过) for handling an accident?",
            [
                "*Not letting go until the cause has been found",
                "*Not letting go until those responsible have been dealt with",
                "*Not letting go until corrective measures are in place",
                "*Not letting go until the people concerned have been educated",
                "Not letting go until the insurer has paid",
            ],
            (
                "The four no-let-go principles: the cause not found, the responsible not dealt "
                "with, the corrective measures not carried out, and the staff not educated — in "
                "none of these cases is the accident closed."
            ),
            "accidents, investigation",
        ),
        (
            M, 3,
            (
                "Which are duties of a company’s principal person in charge under Article 21 of "
                "the Work Safety Law?"
            ),
            [
                "*Establishing and carrying out the all-staff work safety responsibility system",
                "*Organising the safety education and training plan",
                "*Reporting production safety accidents in time and truthfully",
                "Personally carrying out every inspection on site",
                "Handing all work safety duties to the safety officer",
            ],
            (
                "Article 21 lists the principal person’s duties: the responsibility system, rules "
                "and procedures, training plans, safety investment, risk control and hazard "
                "removal, emergency plans, and truthful and timely accident reports. He may "
                "delegate tasks but not his responsibility."
            ),
            "work safety law, responsibility",
        ),
        (
            M, 2,
            "Which are the “three no-harms” (三不伤害) of safe work?",
            [
                "*Do not harm yourself",
                "*Do not harm others",
                "*Do not be harmed by others",
                "Do not harm the equipment",
            ],
            (
                "Not harming yourself, not harming others and not being harmed by others; the "
                "“four no-harms” add protecting others from harm."
            ),
            "three no-harms, behaviour",
        ),
        (
            M, 4,
            "What does the Work Safety Law require a company to do to protect its workers?",
            [
                (
                    "*Provide protective equipment meeting national or industry standards and make "
                    "sure workers wear it correctly"
                ),
                "*Take part in work-related injury insurance and pay the premiums for its workers",
                "Have workers sign contracts that waive the company’s liability for accidents",
                "Deduct the cost of protective equipment from wages",
            ],
            (
                "Article 45 requires protective equipment meeting the standards and supervision of "
                "its use; Article 51 requires work-related injury insurance; Article 52 makes any "
                "agreement that waives or reduces liability for injury or death invalid. "
                "Protective equipment is provided free of charge."
            ),
            "work safety law, PPE, insurance",
        ),
        (
            TF, 1,
            (
                "A new worker may start work on site before passing safety training, as long as an "
                "experienced worker keeps an eye on him."
            ),
            False,
            (
                "Article 28: employees who have not been trained and found qualified in work "
                "safety may not take up their posts."
            ),
            "training, work safety law",
        ),
        (
            TF, 2,
            (
                "A worker who refuses an order that breaks the safety rules may have his wages cut "
                "for it."
            ),
            False,
            (
                "Article 54: the company may not reduce wages or benefits or end the contract of "
                "an employee because he criticised, reported or refused orders against the rules."
            ),
            "rights, work safety law",
        ),
        (
            TF, 2,
            (
                "The safety facilities of a new wharf must be designed, built and put into use at "
                "the same time as the wharf itself."
            ),
            True,
            "This is the “three simultaneities” rule of Article 31 of the Work Safety Law.",
            "three simultaneities",
        ),
        (
            TF, 3,
            (
                "A labour contract in which the worker agrees that the company owes him nothing if "
                "he is injured in an accident is valid once both sides have signed it."
            ),
            False,
            (
                "Article 52: an agreement that waives or reduces the company’s legal liability for "
                "employees’ injury or death in accidents is invalid."
            ),
            "rights, contracts",
        ),
        (
            TF, 3,
            (
                "Besides work-related injury insurance benefits, an employee injured in an "
                "accident may also claim compensation under civil law."
            ),
            True,
            (
                "Article 56: an employee injured in an accident enjoys work-related injury "
                "insurance and, where civil law gives him a right to compensation, may also claim "
                "it from the company."
            ),
            "rights, insurance",
        ),
        (
            TF, 2,
            (
                "Dispatched (labour agency) workers must receive the company’s safety education "
                "and training like its own employees."
            ),
            True,
            (
                "Article 28: a company that uses dispatched workers includes them in its staff "
                "management and trains them in the job’s safety procedures and skills."
            ),
            "training, dispatched workers",
        ),
        (
            FB, 1,
            "China’s work safety policy is “safety first, ___ first, comprehensive management”.",
            ["prevention"],
            "安全第一、预防为主、综合治理: prevention comes first, before any accident happens.",
            "policy",
        ),
        (
            FB, 3,
            (
                "The person in charge of the company must report an accident to the local work "
                "safety authority within ___ hour(s) of being told of it."
            ),
            ["1|one"],
            (
                "Regulations on the Reporting, Investigation and Handling of Production Safety "
                "Accidents, Article 9."
            ),
            "accidents, reporting",
        ),
        (
            FB, 5,
            (
                "Pre-job safety training of a new worker lasts at least ___ class hours; in "
                "high-risk industries such as mining and hazardous chemicals at least 72."
            ),
            ["24|twenty-four|twenty four"],
            "Provisions on Work Safety Training of Production and Business Units, Article 13.",
            "training",
        ),
        (
            SA, 3,
            (
                "Name the three levels of the “three-level safety education” and say what each "
                "level covers."
            ),
            (
                "Company level: work safety laws, the company’s safety rules, general hazards of "
                "the company, accident cases and emergency rescue. Project department (workshop) "
                "level: the hazards, safety rules, equipment and emergency measures of the project "
                "and its works. Team (crew) level: the operating procedures of the job, the "
                "equipment and tools, personal protective equipment and its use, hazards of the "
                "workplace, learning from an experienced worker. Only after passing all three may "
                "the worker start work."
            ),
            "Grade on the three levels named correctly and a sensible content for each.",
            "training, three-level education",
        ),
        (
            SA, 5,
            (
                "List at least four rights and four obligations of employees under the Work Safety "
                "Law."
            ),
            (
                "Rights: to know the hazards, preventive and emergency measures; to make "
                "suggestions; to criticise, report and accuse; to refuse orders against the rules "
                "and forced risky work; to stop work and leave in an emergency; to claim "
                "compensation besides injury insurance. Obligations: to obey the safety rules and "
                "procedures; to wear and use protective equipment correctly; to take part in "
                "safety education and training; to report hazards and unsafe factors at once."
            ),
            (
                "Articles 53 to 59 of the Work Safety Law. One point per right or obligation, up "
                "to the full score."
            ),
            "work safety law, rights, obligations",
        ),
    ],
    EXTINGUISHERS: [
        (
            S, 1,
            "Which number do you call to report a fire in China?",
            ["110", "*119", "120", "122"],
            (
                "119 is the fire number; 110 is the police, 120 the ambulance and 122 road traffic "
                "accidents."
            ),
            "emergency numbers, fire",
        ),
        (
            S, 2,
            "Which extinguisher suits a fire in a live electrical distribution cabinet best?",
            [
                "*A carbon dioxide (CO2) extinguisher",
                "A water-based extinguisher",
                "A foam extinguisher",
                "A fire hose with a straight water jet",
            ],
            (
                "CO2 does not conduct electricity and leaves no residue on the equipment; dry "
                "powder also works. Water and foam conduct electricity. Cut off the power first "
                "where possible."
            ),
            "extinguishers, electrical fire",
        ),
        (
            S, 2,
            "How do you use a portable fire extinguisher (“PASS”)?",
            [
                (
                    "*Pull the pin, aim at the base of the fire, squeeze the handle, sweep from "
                    "side to side"
                ),
                "Aim at the top of the flames, pull the pin, squeeze, hold still",
                "Squeeze the handle first, then pull the pin",
                "Shake it, spray upwards into the smoke, then walk away",
            ],
            (
                "PASS: Pull, Aim (at the base, where the fuel burns), Squeeze, Sweep. Spraying the "
                "flames above the fuel does not put the fire out."
            ),
            "extinguishers, PASS",
        ),
        (
            S, 2,
            "Where do you stand when you fight an outdoor fire with an extinguisher?",
            [
                "*Upwind of the fire",
                "Downwind of the fire",
                "Right above the fire",
                "In the smoke, as close as possible",
            ],
            (
                "Upwind the agent is carried onto the fire and the heat and smoke are blown away "
                "from you."
            ),
            "extinguishers, technique",
        ),
        (
            S, 3,
            (
                "The gauge pointer of a stored-pressure dry powder extinguisher is in the red "
                "zone. What does that mean?"
            ),
            [
                "*The pressure is too low: the extinguisher must be recharged or replaced",
                "The extinguisher is full and ready",
                "The pressure is too high, but it can still be used",
                "The extinguisher was just serviced",
            ],
            (
                "Green means normal pressure, red means too low (it may not discharge), yellow "
                "means too high."
            ),
            "extinguishers, inspection",
        ),
        (
            S, 3,
            "Which class of fire is burning diesel oil spilled on a barge deck?",
            ["Class A", "*Class B", "Class C", "Class D"],
            (
                "GB/T 4968: class A solids, class B liquids and meltable solids (diesel, paint, "
                "asphalt), class C gases, class D metals, class E live electrical equipment, class "
                "F cooking oil."
            ),
            "fire classes",
        ),
        (
            S, 4,
            "Magnesium chips are burning in the workshop (a class D fire). What do you use?",
            [
                "*Dry sand or a special metal-fire extinguishing agent",
                "Water",
                "Foam",
                "Carbon dioxide",
            ],
            (
                "Burning metals react with water, and magnesium keeps burning in CO2; cover them "
                "with dry sand or a class D agent."
            ),
            "fire classes, extinguishers",
        ),
        (
            S, 3,
            "What is the main danger to the user of a carbon dioxide extinguisher?",
            [
                "*Frostbite from touching the horn, and suffocation in a small closed room",
                "Electric shock through the jet",
                "Burns from hot powder",
                "The foam exploding",
            ],
            (
                "Liquid CO2 cools to about −78 °C as it expands: hold the insulated handle, not "
                "the horn. In a small room the gas displaces oxygen; leave and ventilate after "
                "use."
            ),
            "extinguishers, CO2",
        ),
        (
            M, 3,
            "Which extinguishers may be used on a fire of live electrical equipment?",
            [
                "*Carbon dioxide",
                "*Dry powder (ABC or BC)",
                "Foam",
                "A water jet",
            ],
            (
                "CO2 and dry powder do not conduct electricity. Foam and water do; use them only "
                "after the power is cut off."
            ),
            "extinguishers, electrical fire",
        ),
        (
            M, 2,
            "Which are the three elements of combustion (the fire triangle)?",
            [
                "*Combustible material",
                "*Oxygen (an oxidiser)",
                "*A source of ignition",
                "Water vapour",
                "Carbon dioxide",
            ],
            (
                "Fire needs fuel, oxygen and ignition at once; every extinguishing method removes "
                "one of them (starving, smothering, cooling) or breaks the chain reaction."
            ),
            "fire triangle",
        ),
        (
            M, 4,
            "Which fires can the ABC dry powder extinguishers on our sites put out?",
            [
                "*Class A fires of solids such as timber formwork",
                "*Class B fires of liquids such as diesel and paint",
                "*Class C fires of gases such as LPG",
                "Class D fires of burning metals",
            ],
            (
                "ABC powder (ammonium phosphate) works on class A, B and C fires and on live "
                "electrical equipment, but not on burning metals."
            ),
            "extinguishers, fire classes",
        ),
        (
            M, 3,
            "What belongs to the monthly check of a fire extinguisher?",
            [
                "*The gauge pointer is in the green zone",
                "*The safety pin and seal are in place",
                "*The hose and nozzle are not cracked or blocked",
                "*The extinguisher is in its place and nothing blocks it",
                "A short test spray to see that it works",
            ],
            (
                "GB 50444 asks for an inspection at least once a month. A test spray breaks the "
                "seal and loses pressure: the extinguisher would then need recharging."
            ),
            "extinguishers, inspection",
        ),
        (
            TF, 1,
            "Water may be used to put out a fire in a live electrical cabinet.",
            False,
            (
                "Water conducts electricity and can electrocute the firefighter. Cut the power and "
                "use CO2 or dry powder."
            ),
            "electrical fire",
        ),
        (
            TF, 2,
            (
                "A burning oil pan in the site canteen is covered with its lid or a fire blanket, "
                "never doused with water."
            ),
            True,
            (
                "Water sinks under the hot oil, boils at once and throws burning oil out (a class "
                "F fire). Smother it and turn off the heat."
            ),
            "fire classes, kitchen",
        ),
        (
            TF, 1,
            (
                "Fire extinguishers are placed where they are easy to see and reach, and nothing "
                "may block them."
            ),
            True,
            (
                "The Fire Protection Law forbids blocking or moving fire equipment; a hidden "
                "extinguisher is lost time."
            ),
            "extinguishers, placement",
        ),
        (
            TF, 4,
            (
                "A portable dry powder extinguisher is scrapped 10 years after it was made, even "
                "if it was never used."
            ),
            True,
            (
                "GB 50444: water-based extinguishers are scrapped after 6 years, dry powder and "
                "clean-agent ones after 10, CO2 ones after 12."
            ),
            "extinguishers, service life",
        ),
        (
            FB, 1,
            (
                "The four steps of using an extinguisher are remembered as ___: pull, aim, "
                "squeeze, sweep."
            ),
            ["PASS"],
            "Pull the pin, Aim at the base, Squeeze the handle, Sweep side to side.",
            "PASS",
        ),
        (
            FB, 2,
            "On the gauge of a stored-pressure extinguisher, the ___ zone means normal pressure.",
            ["green"],
            "Green normal, red too low, yellow too high.",
            "extinguishers, inspection",
        ),
        (
            SA, 3,
            (
                "Describe how you put out a small diesel fire on the deck of a work boat with a "
                "portable dry powder extinguisher."
            ),
            (
                "Shout to raise the alarm and have someone tell the skipper; fetch the nearest "
                "extinguisher and check the gauge; approach from upwind; pull the pin; aim at the "
                "base of the fire from a few metres; squeeze the handle; sweep from the near edge "
                "across, without blowing the burning oil around; keep going until the flames are "
                "out, then watch for re-ignition and keep a second extinguisher ready; withdraw if "
                "the fire grows; report the fire and have the extinguisher recharged."
            ),
            (
                "Key points: alarm, upwind, PASS, base of the fire, watch for re-ignition, report "
                "and recharge."
            ),
            "extinguishers, PASS, work boats",
        ),
    ],
    EVACUATION: [
        (
            S, 1,
            "During a fire evacuation, which is right?",
            [
                "*Use the stairs, never the lift",
                "Take the lift because it is faster",
                "Go back for your belongings",
                "Hide in a toilet or a cupboard",
            ],
            (
                "A lift may stop on the fire floor or fail and fill with smoke; the protected "
                "stairs are the way out."
            ),
            "evacuation",
        ),
        (
            S, 2,
            "How do you get through a corridor full of smoke?",
            [
                "*Cover your mouth and nose with a wet cloth and keep low, close to the floor",
                "Run upright as fast as you can",
                "Hold your breath and walk through the thickest smoke",
                "Stand still in the corridor and wait",
            ],
            (
                "Hot smoke rises: the air near the floor is cooler and cleaner. A wet cloth "
                "filters some particles and cools the air."
            ),
            "evacuation, smoke",
        ),
        (
            S, 2,
            "What kills most people in building fires?",
            [
                "*Smoke and toxic gases",
                "The flames themselves",
                "Falling furniture",
                "Water from the sprinklers",
            ],
            (
                "Most fire deaths come from breathing smoke and toxic gases such as carbon "
                "monoxide, often before the flames arrive."
            ),
            "smoke",
        ),
        (
            S, 2,
            "Your clothes catch fire. What do you do?",
            [
                "*Stop, drop to the ground and roll, covering your face",
                "Run to find water",
                "Beat the flames with your bare hands while walking",
                "Keep working and take the clothes off later",
            ],
            (
                "Running fans the flames. Rolling smothers them; covering the face protects the "
                "eyes and airway."
            ),
            "evacuation, burns",
        ),
        (
            S, 3,
            "What do you do before opening a closed door during a fire?",
            [
                "*Feel the door and the handle with the back of your hand; if hot, do not open it",
                "Kick it open at once",
                "Open it wide to let the smoke out",
                "Knock three times and wait for an answer",
            ],
            (
                "A hot door means fire behind it. Open a cool door slowly, shoulder against it, "
                "ready to close it again."
            ),
            "evacuation, doors",
        ),
        (
            S, 2,
            "What must you tell the 119 operator when you report a fire?",
            [
                (
                    "*The exact address, what is burning, how big the fire is, whether people are "
                    "trapped, and your phone number"
                ),
                "Only your name",
                "Just “fire!”, then hang up",
                "Who caused the fire",
            ],
            (
                "The fire brigade needs to know where to come and what to bring. Stay on the line, "
                "and send someone to the site gate to guide the fire engines."
            ),
            "emergency numbers, reporting",
        ),
        (
            S, 3,
            (
                "Fire blocks the stairs of the four-storey site office and you are trapped in a "
                "room on the top floor. What is the best action?"
            ),
            [
                (
                    "*Close the door, seal the gaps with wet cloth, signal at the window and wait "
                    "for rescue"
                ),
                "Jump out of the window at once",
                "Run down through the burning stairs",
                "Hide under the desk and keep quiet",
            ],
            (
                "A closed door holds fire and smoke back for a long time. Make yourself seen and "
                "heard at the window; jumping from a height is a last resort that often kills."
            ),
            "evacuation, trapped",
        ),
        (
            M, 2,
            "Which are forbidden for escape routes and emergency exits?",
            [
                "*Locking emergency exits during working hours",
                "*Piling materials in stairways and corridors",
                "*Wedging fire doors open",
                "Marking exits with illuminated signs",
            ],
            (
                "The Fire Protection Law forbids occupying, blocking or closing escape routes, "
                "exits and fire lanes. Normally-closed fire doors must close by themselves to stop "
                "smoke."
            ),
            "escape routes, fire doors",
        ),
        (
            M, 3,
            "What happens once everyone has left the building in a fire?",
            [
                "*Everyone gathers at the assembly point",
                "*The crew leaders count their people and report anyone missing",
                "*The firefighters are told where missing people may be",
                "Some go back in to fetch documents",
                "Everyone drives their car out of the car park first",
            ],
            (
                "The head count at the assembly point tells the fire brigade whether to search the "
                "building; nobody goes back in."
            ),
            "evacuation, assembly point",
        ),
        (
            M, 3,
            "Which statements about reporting a fire are correct?",
            [
                "*Anyone who discovers a fire must report it at once",
                "*Calling 119 is free of charge",
                "*False fire alarms are forbidden and punished",
                "Only the safety officer may call 119",
            ],
            (
                "The Fire Protection Law: any person who discovers a fire reports it at once, "
                "everyone helps the report for free and nobody may hinder it; false alarms are "
                "forbidden."
            ),
            "reporting, fire protection law",
        ),
        (
            TF, 1,
            "In a fire, take the lift because it is the fastest way down.",
            False,
            "Lifts may stop at the fire floor, lose power or fill with smoke. Use the stairs.",
            "evacuation",
        ),
        (
            TF, 2,
            "Fire doors in stairways are normally kept closed.",
            True,
            "Normally-closed fire doors keep smoke and fire out of the stairs, the escape route.",
            "fire doors",
        ),
        (
            TF, 2,
            "Hot smoke rises, so the air close to the floor is usually cleaner in a fire.",
            True,
            "That is why you move low, even crawling, through smoke.",
            "smoke",
        ),
        (
            TF, 2,
            "Raise the fire alarm only after your own attempt to put the fire out has failed.",
            False,
            (
                "Raise the alarm first, or have someone raise it while you fight a small fire. "
                "Minutes lost before the alarm let a fire grow beyond control."
            ),
            "reporting",
        ),
        (
            FB, 1,
            "The fire emergency number in China is ___.",
            ["119"],
            "119 fire, 110 police, 120 ambulance.",
            "emergency numbers",
        ),
        (
            FB, 2,
            "In a smoke-filled corridor, cover your mouth and nose with a ___ cloth and keep low.",
            ["wet|damp|moist"],
            "A wet cloth cools the air and catches some smoke particles.",
            "smoke",
        ),
        (
            SA, 3,
            (
                "A fire breaks out in the site office building. Describe what you do, from "
                "discovering it to the head count."
            ),
            (
                "Raise the alarm (shout, press the alarm button) and call 119 with the address, "
                "what burns, the size and trapped people; fight it with an extinguisher only if it "
                "is small and your way out is behind you; cut the power if safe; leave by the "
                "nearest safe exit and stairs, not the lift; close doors behind you; keep low in "
                "smoke with a wet cloth; help visitors; go to the assembly point; crew leaders "
                "count their people and report missing persons to the fire brigade; nobody "
                "re-enters; send someone to guide the fire engines."
            ),
            (
                "Key points: alarm and 119, small fires only, stairs, close doors, keep low, "
                "assembly point, head count, no re-entry."
            ),
            "evacuation, reporting",
        ),
    ],
    HOT_WORK: [
        (
            S, 1,
            "What must be approved before welding or gas cutting outside a designated workshop?",
            [
                "*A hot-work permit",
                "A leave request",
                "A material receipt",
                "An overtime form",
            ],
            (
                "Hot work is allowed only with an approved hot-work permit that names the place, "
                "time, measures and fire watch."
            ),
            "hot work, permits",
        ),
        (
            S, 4,
            (
                "At what wind force must outdoor welding and cutting stop, unless reliable "
                "windbreaks are set up (GB 50720)?"
            ),
            [
                "Force 3 and above",
                "*Force 5 and above",
                "Force 8 and above",
                "Wind does not matter",
            ],
            (
                "GB 50720: at wind force 5 or more, outdoor welding, cutting and other hot work "
                "stop; if it must go on, reliable windbreaks are needed. Wind carries sparks far."
            ),
            "hot work, weather",
        ),
        (
            S, 2,
            "Who watches a hot-work point while welding goes on?",
            [
                "*A designated fire watch with an extinguisher",
                "Nobody: the welder watches himself",
                "The crane operator from his cab",
                "The guard at the site gate",
            ],
            "GB 50720: every hot-work point has its own fire watch and fire-fighting equipment.",
            "hot work, fire watch",
        ),
        (
            S, 3,
            (
                "Why may a drum that held paint thinner not be cut with a torch, even when it "
                "looks empty?"
            ),
            [
                "*Vapour left inside can explode",
                "The drum is too thick to cut",
                "Thinner makes the cut rust",
                "The torch would go out",
            ],
            (
                "“Empty” drums and tanks hold flammable vapour. They are cleaned, ventilated and "
                "gas-tested before any hot work."
            ),
            "hot work, containers",
        ),
        (
            M, 3,
            "What must be done before hot work near combustible materials?",
            [
                (
                    "*Remove combustibles, or cover those that cannot be moved with "
                    "non-combustible material"
                ),
                "*Place fire extinguishers at the work point",
                "*Get the hot-work permit approved",
                "Wet the ground with diesel to keep the dust down",
            ],
            (
                "GB 50720: clear the combustibles, cover what cannot be moved, have equipment and "
                "a fire watch ready, with the permit approved."
            ),
            "hot work, preparation",
        ),
        (
            M, 3,
            "What does a welder do when he finishes hot work?",
            [
                "*Checks the area for sparks and smouldering material before leaving",
                "*Closes the cylinder valves and coils the hoses",
                "*Reports the end of the work so the permit can be closed",
                "Leaves at once; the next shift checks",
            ],
            (
                "Smouldering fires can break out long after the work. The welder leaves only when "
                "he has made sure there is no fire risk."
            ),
            "hot work, after work",
        ),
        (
            TF, 2,
            (
                "Welding may be done directly on exposed combustible material as long as a fire "
                "watch is present."
            ),
            False,
            "GB 50720 forbids hot work directly on exposed combustible material.",
            "hot work",
        ),
        (
            TF, 2,
            (
                "After hot work, the welder may leave only when he has checked the area and found "
                "no fire risk."
            ),
            True,
            "GB 50720 requires a check of the site after hot work.",
            "hot work, after work",
        ),
        (
            FB, 3,
            (
                "Oxygen and acetylene cylinders are kept at least ___ m apart and at least ___ m "
                "from the hot-work point."
            ),
            ["5|five", "10|ten"],
            (
                "Apart, a leak of one cannot feed a fire of the other; far from the work, sparks "
                "and heat do not reach them."
            ),
            "hot work, gas cylinders",
        ),
        (
            SA, 5,
            "List the main precautions for gas cutting of steel piles on a pile-driving barge.",
            (
                "Approved hot-work permit; qualified cutter with certificate; remove or cover "
                "combustibles on deck and protect what is below; fire watch with extinguishers; "
                "cylinders secured upright, 5 m apart and 10 m from the cut, with flashback "
                "arrestors and sound hoses; stop at wind force 5 or above unless shielded; life "
                "jacket and, at height, a harness; protective goggles, gloves and clothing; after "
                "cutting, check for smouldering, close valves, report the end of the work."
            ),
            (
                "Key points: permit, certificate, combustibles, fire watch, cylinder distances, "
                "wind, PPE including life jacket, check after work."
            ),
            "hot work, barges",
        ),
    ],
    ELECTRICAL: [
        (
            S, 1,
            "Who may install or repair electrical equipment on site?",
            [
                "*A qualified electrician holding a special operations certificate",
                "Any worker who has tools",
                "The crane operator",
                "The crew captain",
            ],
            "Electrical work is a special operation: only certified electricians may do it.",
            "electricians, certificates",
        ),
        (
            S, 1,
            (
                "A colleague is stuck to a hand tool that is giving him an electric shock. What do "
                "you do first?"
            ),
            [
                "*Cut off the power (switch or plug) or separate him with a dry insulating object",
                "Pull him away with your bare hands",
                "Pour water on him",
                "Shout at him to let go",
            ],
            (
                "Touching him makes you a second casualty. Free him from the current first, then "
                "give first aid."
            ),
            "electric shock, rescue",
        ),
        (
            S, 4,
            "Which system does JGJ 46 require for temporary electricity on construction sites?",
            [
                (
                    "*TN-S (three-phase five-wire), with three-level distribution and two-level "
                    "leakage protection"
                ),
                "TN-C, with one distribution box for the whole site",
                "An unearthed IT system",
                "Whatever the contractor prefers",
            ],
            (
                "JGJ 46: a TN-S system with a separate protective earth conductor, power "
                "distributed through main, sub- and switch boxes, and leakage protection at two "
                "levels."
            ),
            "temporary power, JGJ 46",
        ),
        (
            S, 5,
            (
                "A leakage protector (RCD) used in damp places must be splash-proof, with a rated "
                "tripping current of not more than:"
            ),
            ["*15 mA", "30 mA", "50 mA", "100 mA"],
            (
                "JGJ 46: in damp or corrosive places, not more than 15 mA within 0.1 s; elsewhere "
                "the switch-box RCD trips at not more than 30 mA within 0.1 s."
            ),
            "leakage protection, JGJ 46",
        ),
        (
            S, 3,
            (
                "Lighting inside a steel caisson or a ship’s tank (a metal container) must use a "
                "supply of not more than:"
            ),
            ["*12 V", "24 V", "36 V", "220 V"],
            (
                "JGJ 46: 36 V in tunnels, hot or dusty places and low fittings; 24 V in damp "
                "places or where live parts are easy to touch; 12 V in especially damp places, on "
                "conductive floors and inside boilers or metal containers."
            ),
            "safety voltage, lighting",
        ),
        (
            S, 2,
            "What colour is the protective earth (PE) conductor?",
            ["*Green and yellow", "Light blue", "Red", "Black"],
            "PE is green/yellow and is used for nothing else; the neutral (N) is light blue.",
            "earthing, wiring",
        ),
        (
            S, 4,
            "A high-voltage line has fallen to the ground outdoors. How close may you go?",
            ["*Not within 8 m", "Not within 1 m", "Not within 2 m", "Any distance in rubber boots"],
            (
                "Step voltage around the point of contact can kill: keep 8 m away outdoors and 4 m "
                "indoors, and keep others away until the power company has cut it off."
            ),
            "step voltage, overhead lines",
        ),
        (
            S, 2,
            "What does “one machine, one switch, one leakage protector, one box” mean?",
            [
                (
                    "*Each item of equipment has its own switch box with its own switch and "
                    "leakage protector"
                ),
                "One electrician looks after one machine",
                "One box may feed as many machines as it has sockets",
                "Each crew shares one box",
            ],
            (
                "JGJ 46: a switch box serves one item of electrical equipment only, so a fault "
                "trips only that one and the operator switches only his own."
            ),
            "temporary power, switch boxes",
        ),
        (
            S, 4,
            "Which hand-held power tools are used inside a boiler, a metal tank or a pipe?",
            [
                "*Class III tools (safety extra-low voltage)",
                "Class I tools",
                "Any tool with a long enough cable",
                "Tools whose metal housing is earthed to the tank",
            ],
            (
                "JGJ 46: in narrow places such as boilers, metal containers, trenches and pipes, "
                "class III tools fed by a safety isolating transformer are used; the transformer "
                "and the control box stay outside, watched by a second person."
            ),
            "power tools, confined spaces",
        ),
        (
            M, 2,
            "Which voltages are safety extra-low voltages used for lighting in hazardous places?",
            ["*36 V", "*24 V", "*12 V", "110 V", "220 V"],
            (
                "36 V, 24 V and 12 V, chosen by how damp and conductive the place is (12 V inside "
                "metal containers)."
            ),
            "safety voltage",
        ),
        (
            M, 3,
            (
                "What are the technical safety measures before working on de-energised electrical "
                "equipment?"
            ),
            [
                "*Switch off the power",
                "*Test that it is dead",
                "*Fit earthing leads",
                "*Hang warning signs and put up barriers",
                "Work fast so that the power can be switched back on soon",
            ],
            (
                "Power off, test, earth, signs and barriers "
                "(停电、验电、接地、悬挂标示牌和装设遮栏): only then is the equipment safe to "
                "touch."
            ),
            "isolation, electrical work",
        ),
        (
            M, 3,
            "Which are steps of lock-out tag-out (LOTO)?",
            [
                "*Switch off and isolate every energy source",
                "*Each worker fits his own lock and tag",
                "*Prove zero energy (try to start it) before work",
                "The tag alone is enough; a lock is optional",
                "Anyone may remove a lock at the end of the shift",
            ],
            (
                "LOTO: isolate, lock, tag, release stored energy, verify. Personal locks mean "
                "nobody can re-energise while someone is still working; only the owner removes his "
                "lock."
            ),
            "lockout, isolation",
        ),
        (
            M, 2,
            "Which are unsafe electrical practices on site?",
            [
                "*Hooking bare wire ends into a socket",
                "*Laying cables through water or across roads without protection",
                "*Replacing a fuse with copper wire",
                "Using a plug with a protective earth pin",
            ],
            (
                "Bare wires, unprotected cables and oversized “fuses” cause shocks and fires; an "
                "earthed plug is the right way."
            ),
            "temporary power, hazards",
        ),
        (
            TF, 1,
            "Bare wire ends may be hooked straight into a socket when no plug is at hand.",
            False,
            "Always use a proper plug; bare wires slip out, short and shock.",
            "hazards",
        ),
        (
            TF, 4,
            (
                "The protective earth (PE) conductor must not pass through the leakage protector "
                "and may have no switch or fuse in it."
            ),
            True,
            (
                "JGJ 46: the PE conductor runs unbroken; passing it through the RCD would stop the "
                "RCD from seeing the fault current."
            ),
            "earthing, leakage protection",
        ),
        (
            TF, 2,
            "Only the person who fitted a lock-out lock may remove it.",
            True,
            (
                "That is what makes LOTO safe: nobody can switch on while the owner of a lock is "
                "still at work."
            ),
            "lockout",
        ),
        (
            TF, 3,
            (
                "Near a fallen power line, move away with small shuffling steps or by hopping with "
                "your feet together."
            ),
            True,
            "Keeping the feet close together keeps the step voltage between them low.",
            "step voltage",
        ),
        (
            FB, 3,
            (
                "In damp places and where live parts are easy to touch, the lighting supply may "
                "not exceed ___ V."
            ),
            ["24"],
            "JGJ 46: 36 V, 24 V and 12 V limits by how dangerous the place is.",
            "safety voltage, lighting",
        ),
        (
            FB, 3,
            (
                "The switch-box leakage protector in ordinary places trips at not more than ___ "
                "mA, within 0.1 s."
            ),
            ["30|thirty"],
            "30 mA is the limit that protects people from a fatal shock; 15 mA in damp places.",
            "leakage protection",
        ),
        (
            FB, 4,
            "A switch box stands no more than ___ m from the fixed equipment it controls.",
            ["3|three"],
            "JGJ 46: so that the operator can reach the switch at once in an emergency.",
            "switch boxes, JGJ 46",
        ),
        (
            SA, 3,
            "A worker lies unconscious next to a damaged cable. Describe what you do.",
            (
                "Do not touch him; cut off the power at the switch or plug, or move the cable away "
                "with a dry wooden stick or other insulating object while standing on something "
                "dry; call for help and 120; check responsiveness and breathing; if he is not "
                "breathing normally, start CPR and use an AED; treat burns; keep others away and "
                "have the power locked out; report the accident and have an electrician repair the "
                "cable."
            ),
            (
                "Key points: no direct contact, cut the power or insulate, 120, CPR/AED, lock out, "
                "report."
            ),
            "electric shock, rescue",
        ),
        (
            SA, 4,
            "What is lock-out tag-out, and why does each worker fit his own lock?",
            (
                "Lock-out tag-out isolates every energy source of a machine (electricity, "
                "pressure, stored energy), locks the isolator in the off position and tags it with "
                "the name of the worker and the reason, then proves zero energy before work. Each "
                "worker fits his own lock so that the machine cannot be switched on until every "
                "person working on it has finished and removed his lock; nobody removes another "
                "person’s lock."
            ),
            (
                "Key points: isolate, lock, tag, prove zero energy, personal lock, only the owner "
                "removes it."
            ),
            "lockout",
        ),
    ],
    GAS: [
        (
            S, 1,
            "You smell gas in the site canteen. What must you NOT do?",
            [
                "*Switch on the light or the extractor fan",
                "Close the gas valve",
                "Open the windows and doors",
                "Get everyone out",
            ],
            (
                "Switching anything electrical on or off can spark and ignite the gas. Close the "
                "valve, ventilate, leave and call from outside."
            ),
            "gas leaks",
        ),
        (
            S, 2,
            "Where does leaking liquefied petroleum gas (LPG) collect?",
            [
                "*Near the floor and in pits and drains, because it is heavier than air",
                "Under the ceiling",
                "Evenly through the room",
                "Nowhere: it disappears at once",
            ],
            (
                "LPG vapour is heavier than air and flows into low places, where it can wait for a "
                "spark. Natural gas is lighter and rises."
            ),
            "LPG, gas leaks",
        ),
        (
            S, 1,
            "How do you check a gas hose connection for leaks?",
            [
                "*Brush soapy water on it and look for bubbles",
                "Hold a lighter near it",
                "Smell it closely for a long time",
                "Press it with your finger",
            ],
            "Soapy water bubbles at a leak; a flame can start a fire or an explosion.",
            "gas leaks, hoses",
        ),
        (
            S, 3,
            "What colour is an oxygen cylinder in China?",
            ["*Light blue", "White", "Light green", "Black"],
            (
                "GB/T 7144: oxygen light blue, acetylene white with red lettering, hydrogen light "
                "green, nitrogen black."
            ),
            "gas cylinders, colours",
        ),
        (
            S, 2,
            "Why is carbon monoxide so dangerous?",
            [
                "*It has no colour or smell and binds to haemoglobin far more strongly than oxygen",
                "It smells of rotten eggs",
                "It is a visible yellow smoke",
                "It harms only the skin",
            ],
            (
                "CO takes the place of oxygen in the blood without any warning sign; coal stoves "
                "and engines in closed rooms are the usual sources."
            ),
            "carbon monoxide",
        ),
        (
            S, 4,
            "What is the explosive range of methane (natural gas) in air?",
            [
                "*About 5 % to 15 %",
                "About 0.5 % to 1 %",
                "About 20 % to 40 %",
                "About 50 % to 100 %",
            ],
            (
                "Below 5 % the mixture is too lean to burn, above 15 % too rich; leaks pass "
                "through the explosive range as they spread."
            ),
            "explosion limits, methane",
        ),
        (
            S, 3,
            "Why is hydrogen sulfide at high concentration especially treacherous?",
            [
                "*It quickly deadens the sense of smell, so the rotten-egg odour disappears",
                "It smells stronger the more there is",
                "It is lighter than air and leaves at once",
                "It is harmless to breathe",
            ],
            (
                "H2S smells of rotten eggs at low levels but paralyses the sense of smell at "
                "higher ones; only a gas detector tells. It is heavier than air and collects in "
                "pits, sewers and bilges."
            ),
            "hydrogen sulfide",
        ),
        (
            S, 3,
            "Which gas cylinder must always stand upright and never be used lying down?",
            ["*Acetylene", "Nitrogen", "Compressed air", "Argon"],
            (
                "Acetylene is dissolved in acetone in a porous filling; lying down, acetone flows "
                "out with the gas and can cause a flashback."
            ),
            "gas cylinders, acetylene",
        ),
        (
            M, 2,
            "What do you do when you find a gas leak indoors?",
            [
                "*Close the valve of the cylinder or supply",
                "*Open doors and windows",
                "*Leave, and call from a safe place outside",
                "Switch on the extractor fan",
                "Look for the leak with a lighter",
            ],
            "No flames, no switches, no phone in the gas: close, ventilate, leave, call.",
            "gas leaks",
        ),
        (
            M, 3,
            "Which are rules for storing and using gas cylinders on site?",
            [
                "*Keep them away from heat, sunlight and open flames",
                "*Secure them against falling, with caps on when moving them",
                "*Store oxygen cylinders apart from flammable gas cylinders",
                "Roll them along the ground to move them",
                "Use them until completely empty",
            ],
            (
                "Heat raises the pressure; a falling cylinder can break its valve and become a "
                "missile; oxygen feeds any fire of a flammable gas. Rolling damages them; keep "
                "some residual pressure so air cannot get in."
            ),
            "gas cylinders, storage",
        ),
        (
            M, 3,
            "Which are signs of carbon monoxide poisoning?",
            [
                "*Headache and dizziness",
                "*Nausea and vomiting",
                "*Weakness, confusion and loss of consciousness",
                "A strong smell of rotten eggs",
                "Itching skin",
            ],
            (
                "CO poisoning starts like a headache or the flu and ends in unconsciousness; "
                "cherry-red lips are a late sign. The rotten-egg smell is hydrogen sulfide."
            ),
            "carbon monoxide, symptoms",
        ),
        (
            TF, 1,
            "It is safe to look for a gas leak with a lighter if you are careful.",
            False,
            "Never: use soapy water or a gas detector.",
            "gas leaks",
        ),
        (
            TF, 2,
            "Oil and grease are kept away from oxygen cylinders, valves and regulators.",
            True,
            "Oil in contact with high-pressure oxygen can ignite by itself.",
            "gas cylinders, oxygen",
        ),
        (
            TF, 2,
            "Natural gas is lighter than air, so in a leak it first gathers under the ceiling.",
            True,
            "Methane rises; LPG sinks. Ventilate high for natural gas and low for LPG.",
            "natural gas",
        ),
        (
            TF, 3,
            "A gas cylinder should be used until it is completely empty before it is returned.",
            False,
            (
                "Leave some residual pressure so air cannot get in and form an explosive mixture, "
                "and so the filler can check the contents."
            ),
            "gas cylinders",
        ),
        (
            FB, 3,
            "A flashback ___ stops a flame from running back into the acetylene hose and cylinder.",
            ["arrestor|arrester"],
            "Flashback arrestors are fitted on the regulators and torches of oxy-fuel equipment.",
            "gas cylinders, flashback",
        ),
        (
            FB, 3,
            "Carbon monoxide binds to ___ in the blood far more strongly than oxygen does.",
            ["haemoglobin|hemoglobin"],
            "About 200 to 250 times more strongly, so even small amounts block oxygen transport.",
            "carbon monoxide",
        ),
        (
            SA, 3,
            (
                "A worker is found collapsed in a site container heated by a coal stove overnight. "
                "Describe the first aid."
            ),
            (
                "Suspect carbon monoxide. Open the door and windows, do not light anything or "
                "switch on electrics; take him out to fresh air; call 120; loosen tight clothing "
                "and keep him warm; check breathing; if he is unconscious but breathing, put him "
                "in the recovery position; if he is not breathing, start CPR; give oxygen if "
                "available; he needs hospital treatment (possibly hyperbaric oxygen) even if he "
                "recovers; check the others who slept nearby; report it and forbid stoves in "
                "closed rooms."
            ),
            (
                "Key points: ventilate, fresh air, 120, warm, breathing check, CPR, hospital, "
                "others at risk."
            ),
            "carbon monoxide, first aid",
        ),
    ],
    HEIGHT: [
        (
            S, 1,
            (
                "Under GB/T 3608, work at height is work at what height or more above the "
                "reference plane, where a fall is possible?"
            ),
            ["1 m", "*2 m", "3 m", "5 m"],
            (
                "GB/T 3608: work at a height of 2 m or more above the reference plane of a "
                "possible fall."
            ),
            "definition, GB/T 3608",
        ),
        (
            S, 2,
            "How is a safety harness lanyard hooked?",
            [
                "*High hanging, low use: to a firm anchor above the worker",
                "Low hanging, high use: to an anchor at foot level",
                "To the scaffold board he stands on",
                "To his own tool bag",
            ],
            (
                "An anchor above shortens the free fall and the impact; an anchor below lets him "
                "fall the length of the lanyard and more."
            ),
            "harness",
        ),
        (
            S, 2,
            "In which weather does outdoor climbing and suspended work at height stop?",
            [
                "*Strong wind of force 6 or above, thick fog or sandstorm",
                "Any cloudy day",
                "Light rain with a force 2 breeze",
                "Temperatures below 20 °C",
            ],
            (
                "JGJ 80: no outdoor climbing or suspended work at height in strong winds of force "
                "6 or more, thick fog or sandstorms; in rain, frost or snow take anti-slip "
                "measures."
            ),
            "weather",
        ),
        (
            S, 4,
            "Work at a height of 16 m is which grade under GB/T 3608?",
            [
                "Grade I (2 m to 5 m)",
                "Grade II (5 m to 15 m)",
                "*Grade III (15 m to 30 m)",
                "Special grade (above 30 m)",
            ],
            (
                "GB/T 3608 grades work at height by base height: 2-5 m, 5-15 m, 15-30 m and above "
                "30 m."
            ),
            "grades, GB/T 3608",
        ),
        (
            S, 2,
            "At what angle is a straight ladder set up?",
            ["*About 75° to the ground", "About 45°", "About 90° (vertical)", "About 30°"],
            (
                "JGJ 80: 75° ± 5°, about one unit out at the foot for every four up; the foot "
                "stands on firm ground."
            ),
            "ladders",
        ),
        (
            S, 1,
            "Which worker must not be assigned to work at height?",
            [
                "*A worker with high blood pressure, heart disease or epilepsy",
                "A worker wearing a helmet and harness",
                "A trained, certified scaffolder",
                "A worker who has had a good night’s sleep",
            ],
            (
                "Dizziness or a seizure at height means a fall. Workers at height have a medical "
                "check, and those unfit are kept off."
            ),
            "health",
        ),
        (
            S, 2,
            "What are the “three treasures” (三宝) of construction safety?",
            [
                "*The safety helmet, the safety belt (harness) and the safety net",
                "Gloves, boots and goggles",
                "Hammer, spanner and tape measure",
                "Permit, plan and report",
            ],
            (
                "The three treasures protect against the most common deaths on sites: falls and "
                "falling objects."
            ),
            "three treasures, PPE",
        ),
        (
            S, 2,
            "How are tools and materials passed between levels during work at height?",
            [
                "*Raised or lowered with a rope or hoist, or carried in a tool bag; never thrown",
                "Thrown carefully to a colleague",
                "Dropped into an unguarded area below",
                "Slid down the scaffold tubes",
            ],
            (
                "Thrown or dropped objects hit people below. Tools at height are kept in bags or "
                "tied on."
            ),
            "falling objects",
        ),
        (
            S, 3,
            "What is done below work at height, within the radius where objects may fall?",
            [
                "*The area is fenced off and marked, and nobody works or passes beneath",
                "Materials are stored there to save space",
                "Workers rest there in the shade",
                "Nothing: helmets are enough",
            ],
            (
                "GB/T 3608 gives the possible fall radius by height; people and passages inside it "
                "are kept out or protected with a hard cover."
            ),
            "falling objects, fall radius",
        ),
        (
            M, 3,
            "Which are the “four openings” (四口) that must be protected?",
            [
                "*Stairway openings",
                "*Lift shaft openings",
                "*Reserved openings in floors",
                "*Passage entrances",
                "Glazed windows",
            ],
            (
                "The four openings and five edges (四口五临边) are where people fall through or "
                "objects fall onto passers-by; they get covers, rails or protective sheds."
            ),
            "openings, edges",
        ),
        (
            M, 2,
            "What do you check on a safety harness before using it?",
            [
                "*The webbing is free of cuts, burns and wear",
                "*Buckles and hooks close and lock properly",
                "*The label shows it is approved and within its service life",
                "The colour matches the helmet",
            ],
            "A harness that has held a fall, or is damaged or out of date, is taken out of use.",
            "harness, inspection",
        ),
        (
            M, 3,
            "Which rules apply to scaffolding?",
            [
                "*It is built and taken down by certified scaffolders",
                "*It is inspected and accepted before use",
                "*Working platforms are fully boarded, with guard rails and toe boards",
                "Workers may remove ties to the structure when they get in the way",
            ],
            (
                "Removing ties makes the scaffold unstable; any change is made by scaffolders and "
                "re-inspected."
            ),
            "scaffolding",
        ),
        (
            M, 4,
            "What makes up the edge protection (guard rail) of JGJ 80?",
            [
                "*A top rail 1.2 m above the floor",
                "*A middle rail between the top rail and the toe board",
                "*A toe board at least 180 mm high",
                "*Posts not more than 2 m apart",
                "A single rope at knee height",
            ],
            (
                "JGJ 80: two rails (top at 1.2 m), a toe board of at least 180 mm and posts at "
                "most 2 m apart, closed with a safety net where needed."
            ),
            "guard rails, JGJ 80",
        ),
        (
            TF, 1,
            "A safety helmet is worn with the chin strap fastened.",
            True,
            "Without the chin strap the helmet falls off in a fall or when you bend down.",
            "helmets",
        ),
        (
            TF, 2,
            "Two people may stand on the same ladder if it is strong enough.",
            False,
            "JGJ 80: only one person works on a ladder at a time.",
            "ladders",
        ),
        (
            TF, 2,
            (
                "A safety harness may be tied to a moving object or over a sharp edge if nothing "
                "else is nearby."
            ),
            False,
            (
                "A moving anchor can pull the worker off, and a sharp edge can cut the lanyard in "
                "a fall. Install a proper anchor or lifeline first."
            ),
            "harness, anchors",
        ),
        (
            TF, 5,
            "Under GB/T 3608, the possible fall radius for a base height of 2 m to 5 m is 3 m.",
            True,
            "GB/T 3608: 3 m for 2-5 m, 4 m for 5-15 m, 5 m for 15-30 m and 6 m above 30 m.",
            "fall radius, GB/T 3608",
        ),
        (
            TF, 1,
            (
                "An experienced worker may work at the unprotected edge of the wharf deck before "
                "the guard rails are installed."
            ),
            False,
            (
                "Experience does not stop a fall: edges are protected with rails, or the worker "
                "uses a harness on an anchor (and a life jacket over water)."
            ),
            "edges",
        ),
        (
            FB, 1,
            (
                "Work at height means work at ___ m or more above the reference plane where a fall "
                "is possible."
            ),
            ["2|two"],
            "GB/T 3608.",
            "definition",
        ),
        (
            FB, 4,
            (
                "The top rail of edge protection is ___ m above the floor, and the toe board is at "
                "least ___ mm high."
            ),
            ["1.2", "180"],
            "JGJ 80-2016.",
            "guard rails, JGJ 80",
        ),
        (
            FB, 3,
            "Outdoor climbing and suspended work at height stop in winds of force ___ or above.",
            ["6|six"],
            "JGJ 80; lifting operations stop in such winds as well.",
            "weather",
        ),
        (
            SA, 3,
            "List the precautions for a rigger working on top of a steel pile 6 m above the river.",
            (
                "Fit for work at height (no high blood pressure, heart disease, alcohol); trained "
                "and briefed; helmet with chin strap, full-body harness hooked high to a firm "
                "anchor or lifeline, non-slip shoes; life jacket because he works over water; a "
                "safe platform or access ladder; tools in a bag or tied on, nothing thrown; area "
                "below kept clear; stop in winds of force 6 or more, fog or heavy rain; a rescue "
                "boat and lifebuoys ready; a watchman in contact with him."
            ),
            (
                "Key points: fitness, harness high, life jacket, platform, tools, area below, "
                "weather, rescue boat."
            ),
            "harness, maritime, rescue",
        ),
    ],
    CHEMICALS: [
        (
            S, 1,
            (
                "Where do you find the hazards, protective measures and first aid of a chemical "
                "product?"
            ),
            [
                "*In its safety data sheet (SDS) and on its label",
                "On the purchase invoice",
                "On the company notice board",
                "Nowhere: ask a colleague",
            ],
            (
                "Suppliers of hazardous chemicals must provide a safety data sheet and fix a "
                "safety label to the package."
            ),
            "SDS, labels",
        ),
        (
            S, 2,
            "Concentrated acid splashes into a worker’s eye. What is the first aid?",
            [
                (
                    "*Rinse at once with plenty of running water for at least 15 minutes, then go "
                    "to hospital"
                ),
                "Rub the eye",
                "Neutralise it with an alkaline solution",
                "Cover the eye and wait",
            ],
            (
                "Immediate, long rinsing is what saves the eye; neutralising generates heat and "
                "more damage."
            ),
            "first aid, eyes",
        ),
        (
            S, 2,
            "How is concentrated sulfuric acid diluted?",
            [
                "*Pour the acid slowly into the water while stirring",
                "Pour the water quickly into the acid",
                "Mix both at once in a closed bottle",
                "Heat the acid first",
            ],
            (
                "Diluting releases a lot of heat. Water poured into acid boils at once and spits "
                "acid out."
            ),
            "acids, handling",
        ),
        (
            S, 3,
            "Which pair must never be stored together?",
            [
                "*Oxidisers and flammable liquids",
                "Cement and sand",
                "Steel bars and bolts",
                "Two drums of the same paint",
            ],
            (
                "Oxidisers give off oxygen and make flammable materials burn violently. "
                "Incompatible chemicals are stored apart."
            ),
            "storage, incompatibility",
        ),
        (
            S, 3,
            "On a GHS hazard label, which signal word shows the more severe hazard?",
            ["*Danger", "Warning", "Notice", "Attention"],
            (
                "The GHS uses two signal words: “Danger” (危险) for the more severe categories and "
                "“Warning” (警告) for the less severe."
            ),
            "labels, GHS",
        ),
        (
            S, 3,
            "A toxic gas is leaking. Which way do you escape?",
            [
                "*Upwind or crosswind, away from the leak and from low places",
                "Downwind",
                "Towards the leak to close it without protection",
                "Into the nearest basement",
            ],
            "The wind carries the gas; many toxic gases are heavier than air and fill low places.",
            "leaks, evacuation",
        ),
        (
            S, 4,
            "What is the “five-double” system (五双) for highly toxic chemicals?",
            [
                (
                    "*Two people to receive and issue, two to keep, two to collect for use; double "
                    "locks; double account books"
                ),
                "Two suppliers, two drivers, two routes, two receipts, two invoices",
                "Double gloves, double masks, double goggles, double boots, double suits",
                "Two inspections a day for five days",
            ],
            (
                "The five-double rule keeps highly toxic chemicals from being lost or misused: no "
                "single person can take them out."
            ),
            "storage, highly toxic chemicals",
        ),
        (
            S, 4,
            (
                "Into how many classes are dangerous goods divided (GB 6944, as in the UN Model "
                "Regulations)?"
            ),
            ["4", "6", "*9", "12"],
            (
                "1 explosives, 2 gases, 3 flammable liquids, 4 flammable solids, 5 oxidisers and "
                "organic peroxides, 6 toxic and infectious substances, 7 radioactive material, 8 "
                "corrosives, 9 miscellaneous."
            ),
            "classification",
        ),
        (
            S, 3,
            "A flammable liquid with a lower flash point is:",
            [
                "*More dangerous, because it gives off ignitable vapour at a lower temperature",
                "Less dangerous",
                "Not flammable at all",
                "Dangerous only above 100 °C",
            ],
            (
                "The flash point is the lowest temperature at which the vapour can be ignited: the "
                "lower, the more dangerous."
            ),
            "flammable liquids, flash point",
        ),
        (
            M, 3,
            "How do you prevent static sparks when filling or transferring flammable solvents?",
            [
                "*Earth and bond the containers",
                "*Limit the flow speed",
                "*Use conductive metal containers, not plastic buckets",
                "Wear synthetic clothes",
                "Pour from as high as possible",
            ],
            (
                "Fast flow, splash filling and insulating containers build up static charge; "
                "bonding and earthing drain it away."
            ),
            "static electricity, flammable liquids",
        ),
        (
            M, 2,
            "What does a safety data sheet (SDS) contain?",
            [
                "*Hazard identification",
                "*First-aid measures",
                "*Fire-fighting and accidental release measures",
                "*Handling, storage and personal protection",
                "The price of the product",
            ],
            "An SDS has 16 sections, from identification and hazards to disposal and transport.",
            "SDS",
        ),
        (
            M, 4,
            "A drum of xylene thinner for the pile coating leaks in the store. What is right?",
            [
                "*Remove sources of ignition and ventilate",
                "*Wear chemical-resistant gloves and a suitable respirator",
                "*Contain it with sand or absorbent and collect it in a closed container",
                "Wash it into the river with water",
                "Switch on ordinary lamps to see better",
            ],
            (
                "Xylene vapour is flammable and harmful. Spills are absorbed and disposed of as "
                "hazardous waste, never washed into the water."
            ),
            "leaks, flammable liquids, environment",
        ),
        (
            TF, 1,
            "Chemicals may be kept in drinking bottles if a label is written on them by hand.",
            False,
            (
                "Chemicals in drinking bottles are drunk by mistake. Keep them in their original "
                "labelled containers."
            ),
            "storage, labels",
        ),
        (
            TF, 2,
            "Mixing bleach with acidic cleaners can release toxic chlorine gas.",
            True,
            "Never mix cleaning chemicals.",
            "incompatibility",
        ),
        (
            TF, 2,
            "Calcium carbide is kept dry because with water it gives off flammable acetylene.",
            True,
            (
                "Calcium carbide is dangerous when wet: a class 4 dangerous good. Never use water "
                "on it."
            ),
            "water-reactive, storage",
        ),
        (
            TF, 3,
            (
                "A filter respirator (a gas mask with a canister) protects a worker in air that "
                "lacks oxygen."
            ),
            False,
            (
                "A filter only cleans the air; it adds no oxygen. Where oxygen is lacking, use "
                "supplied-air or self-contained breathing apparatus."
            ),
            "respirators",
        ),
        (
            FB, 2,
            (
                "A chemical splash on the skin or in the eyes is rinsed with running water for at "
                "least ___ minutes."
            ),
            ["15|fifteen"],
            "Take contaminated clothing off while rinsing, then see a doctor with the SDS.",
            "first aid",
        ),
        (
            FB, 2,
            "Every hazardous chemical comes with a safety ___ sheet and a safety label.",
            ["data"],
            (
                "Regulations on the Safe Management of Hazardous Chemicals, Article 15: the "
                "manufacturer supplies a matching safety data sheet and fixes a safety label to "
                "every package."
            ),
            "SDS",
        ),
        (
            SA, 4,
            (
                "Describe how the paints and thinners for coating steel piles should be stored on "
                "site."
            ),
            (
                "In a dedicated, ventilated store away from offices, living quarters and hot work, "
                "with no open flames or smoking and explosion-proof lighting; containers closed "
                "and labelled, with their SDS at hand; quantities limited to what is needed; kept "
                "apart from oxidisers and gas cylinders; spill trays, absorbent and extinguishers "
                "at the door; warning signs; a person responsible with a register of what comes in "
                "and goes out; empty containers returned or disposed of as hazardous waste."
            ),
            (
                "Key points: dedicated ventilated store, no ignition sources, labels and SDS, "
                "segregation, spill kit, extinguishers, register, waste."
            ),
            "storage, flammable liquids",
        ),
    ],
    CONFINED: [
        (
            S, 1,
            "What is the working principle for confined spaces?",
            [
                "*Ventilate first, test next, work last",
                "Work first, test later",
                "Test once a week",
                "Go in quickly and get out quickly",
            ],
            "先通风、再检测、后作业: never enter before the air has been ventilated and tested.",
            "principle",
        ),
        (
            S, 2,
            "Which oxygen concentration allows entry into a confined space?",
            ["*19.5 % to 23.5 %", "10 % to 15 %", "25 % to 30 %", "Anything above 15 %"],
            (
                "Below 19.5 % is oxygen deficiency (GB 8958); above 23.5 % oxygen enrichment makes "
                "everything burn fiercely."
            ),
            "oxygen, gas testing",
        ),
        (
            S, 2,
            "A worker collapses inside a ballast tank. What does the watchman do first?",
            [
                (
                    "*Raise the alarm and call for rescue without entering unprotected; pull him "
                    "out by his lifeline if possible"
                ),
                "Jump in at once to pull him out",
                "Wait until the end of the shift",
                "Pump pure oxygen into the tank",
            ],
            (
                "Whatever knocked the first man down will knock down the rescuer. Rescue from "
                "outside, or enter only with breathing apparatus and a lifeline."
            ),
            "rescue, watchman",
        ),
        (
            S, 3,
            "In which order are gases tested before entering a confined space?",
            [
                "*Oxygen, then flammable gases, then toxic gases",
                "Toxic gases, then flammable gases, then oxygen",
                "Only flammable gases",
                "Any order: one test is enough",
            ],
            (
                "Oxygen first, because flammable-gas sensors need oxygen to read correctly and "
                "deficiency is the most common killer."
            ),
            "gas testing",
        ),
        (
            S, 3,
            "Why is a confined space ventilated with air and never with pure oxygen?",
            [
                "*Oxygen enrichment makes materials burn violently and can cause fire or explosion",
                "Oxygen is too expensive",
                "Oxygen is heavier than air and cannot be blown",
                "Oxygen makes the gas detector read wrong",
            ],
            (
                "Clothing soaked in oxygen catches fire from a spark. Blow in fresh air from a "
                "clean place."
            ),
            "ventilation",
        ),
        (
            S, 3,
            "Why are gases tested at the top, middle and bottom of a confined space?",
            [
                "*Gases of different density collect at different levels",
                "It is only needed for the paperwork",
                "The detector needs warming up",
                "To test the detector’s battery",
            ],
            (
                "Hydrogen sulfide and LPG sink to the bottom, methane rises to the top: one "
                "reading at the entrance misses them."
            ),
            "gas testing",
        ),
        (
            S, 1,
            "Which of these is a confined space on our projects?",
            [
                "*The inside of a caisson, a ship’s ballast tank or a manhole",
                "The open wharf deck",
                "The site office",
                "A scaffold platform",
            ],
            (
                "Confined spaces are enclosed or partly enclosed, with limited ways in and out, "
                "not made for people to work in and with poor natural ventilation."
            ),
            "definition",
        ),
        (
            S, 4,
            "Why can the air in a steel tank that has been closed for a long time lack oxygen?",
            [
                "*Rusting of the steel uses up the oxygen",
                "Steel gives off oxygen",
                "Oxygen leaks out through the paint",
                "Cold air pushes the oxygen out",
            ],
            (
                "Rust is iron combining with oxygen: a closed, wet steel tank can lose most of its "
                "oxygen without any smell or sign."
            ),
            "oxygen",
        ),
        (
            M, 3,
            "What is needed before and during work in a confined space?",
            [
                "*An approved entry permit",
                "*Isolation of pipes (blind flanges) and of power (lock-out)",
                "*Continuous ventilation and gas monitoring",
                "*A watchman outside at all times",
                "Only one person, to save space",
            ],
            (
                "Permit, isolation, ventilation, testing and a watchman who never leaves are the "
                "core of confined-space work."
            ),
            "permits, isolation",
        ),
        (
            M, 3,
            "Which rescue equipment is ready at the entrance of a vertical confined space?",
            [
                "*A tripod with a winch",
                "*A full-body harness and lifeline on the entrant",
                "*Self-contained breathing apparatus for rescuers",
                "A filter mask for the rescuer",
            ],
            (
                "A tripod and winch pull a worker out without anyone going in. A filter mask gives "
                "no oxygen."
            ),
            "rescue, equipment",
        ),
        (
            M, 2,
            "Which hazards are typical of confined spaces?",
            [
                "*Oxygen deficiency",
                "*Toxic gases such as hydrogen sulfide and carbon monoxide",
                "*Flammable gases and vapours",
                "*Engulfment and drowning",
                "Sunburn",
            ],
            (
                "Deficiency, toxic and flammable atmospheres, engulfment and drowning: all of them "
                "can be in one tank."
            ),
            "hazards",
        ),
        (
            TF, 1,
            (
                "The watchman of a confined space may leave the entrance for a short time if the "
                "workers inside agree."
            ),
            False,
            (
                "The watchman stays at the entrance the whole time, in contact with the workers "
                "inside."
            ),
            "watchman",
        ),
        (
            TF, 3,
            "Closing a valve alone is enough to isolate a pipe connected to a tank before entry.",
            False,
            (
                "Valves leak. Pipes are blanked with blind flanges or disconnected, and the valves "
                "locked."
            ),
            "isolation",
        ),
        (
            TF, 2,
            (
                "Many of the people who die in confined spaces are would-be rescuers who went in "
                "without protection."
            ),
            True,
            (
                "Blind rescue turns one death into several. Rescue from outside or with breathing "
                "apparatus."
            ),
            "rescue",
        ),
        (
            TF, 3,
            (
                "A gas test in the morning is valid for the whole day, even if the work stops for "
                "lunch."
            ),
            False,
            "Conditions change: test continuously or again after every break before re-entering.",
            "gas testing",
        ),
        (
            FB, 3,
            "Before entry, the oxygen content of a confined space is between ___ % and ___ %.",
            ["19.5", "23.5"],
            "Below 19.5 % deficiency, above 23.5 % enrichment.",
            "oxygen, gas testing",
        ),
        (
            FB, 2,
            "Confined-space work follows: ventilate first, ___ next, work last.",
            ["test|testing|detect|detection"],
            "先通风、再检测、后作业.",
            "principle",
        ),
        (
            SA, 5,
            (
                "Describe the procedure for entering a caisson to clean it after it has been "
                "closed for a week."
            ),
            (
                "Get an entry permit; isolate pipes and power (blind flanges, lock-out); open all "
                "hatches and ventilate mechanically with fresh air (never oxygen); test oxygen "
                "(19.5-23.5 %), then flammable and toxic gases, at top, middle and bottom; enter "
                "only if results are acceptable; ventilate and monitor continuously; entrant wears "
                "a harness and lifeline, uses 12 V lighting and class III tools; a watchman stays "
                "outside in contact, with a tripod, SCBA and means to call rescue; re-test after "
                "breaks; stop and leave if anything changes; nobody enters to rescue without "
                "breathing apparatus."
            ),
            (
                "Key points: permit, isolation, ventilation, testing order and levels, monitoring, "
                "harness, low voltage, watchman, rescue gear."
            ),
            "permits, gas testing, rescue",
        ),
    ],
    FIRST_AID: [
        (
            S, 1,
            "What is the ambulance number in China?",
            ["110", "119", "*120", "114"],
            "120 is the medical emergency number; 119 fire, 110 police, 114 directory enquiries.",
            "emergency numbers",
        ),
        (
            S, 2,
            "At what rate are chest compressions given to an adult in CPR?",
            [
                "*100 to 120 per minute",
                "60 to 80 per minute",
                "140 to 160 per minute",
                "As fast as possible",
            ],
            (
                "Current guidelines: 100-120 compressions a minute. Slower pumps too little blood; "
                "faster leaves the heart no time to fill."
            ),
            "CPR",
        ),
        (
            S, 2,
            "How deep are chest compressions for an adult?",
            ["*5 to 6 cm", "1 to 2 cm", "3 cm", "8 to 10 cm"],
            "At least 5 cm and not more than 6 cm, letting the chest rise fully after each one.",
            "CPR",
        ),
        (
            S, 2,
            "What is the ratio of chest compressions to rescue breaths in adult CPR?",
            ["*30:2", "15:1", "5:1", "30:5"],
            "30 compressions, then 2 breaths, repeated until help or an AED arrives.",
            "CPR",
        ),
        (
            S, 2,
            "Where on the body are chest compressions given?",
            [
                "*In the centre of the chest, on the lower half of the breastbone",
                "On the left side of the chest over the heart",
                "On the upper abdomen",
                "On the neck",
            ],
            (
                "Heel of one hand on the lower half of the sternum, the other hand on top, arms "
                "straight."
            ),
            "CPR",
        ),
        (
            S, 2,
            "A worker has a small burn from hot steel. What is the first aid?",
            [
                "*Cool it under clean, cool running water, then cover it with a clean dressing",
                "Spread toothpaste or soy sauce on it",
                "Burst the blisters",
                "Hold ice directly on it for an hour",
            ],
            (
                "Rinse, remove, soak, cover, send (冲、脱、泡、盖、送). Home remedies trap heat "
                "and cause infection; ice damages the skin."
            ),
            "burns",
        ),
        (
            S, 3,
            "A worker’s finger has been cut off. How is the severed part kept?",
            [
                "*Wrapped in clean gauze, in a sealed plastic bag, with the bag placed on ice",
                "Directly in ice water",
                "Soaked in alcohol",
                "Washed with soap and left to dry",
            ],
            (
                "Cool but not frozen or soaked: then surgeons may be able to reattach it. Press on "
                "the wound and go to hospital at once."
            ),
            "amputation, bleeding",
        ),
        (
            S, 3,
            "A worker who fell from a scaffold has neck pain and numb legs. What do you do?",
            [
                "*Keep him still, do not move him unless he is in danger, and call 120",
                "Help him stand up and walk",
                "Carry him to a car in your arms",
                "Sit him up and give him water",
            ],
            (
                "These are signs of a spinal injury: moving him wrongly can paralyse him. If he "
                "must be moved, several people keep head, neck and body in line on a hard board."
            ),
            "spinal injury, falls",
        ),
        (
            S, 3,
            "A worker choking on food cannot speak, cough or breathe. What do you do?",
            [
                "*Give abdominal thrusts (the Heimlich manoeuvre) from behind",
                "Give him water to drink",
                "Pat his back lightly and wait",
                "Lay him down and leave him",
            ],
            (
                "Fist just above the navel, quick inward and upward thrusts until the object comes "
                "out; if he becomes unconscious, start CPR."
            ),
            "choking",
        ),
        (
            S, 2,
            "A worker shows signs of heat stroke on a hot July afternoon. What is the first aid?",
            [
                (
                    "*Move him to cool shade, loosen his clothing, cool his body, give salted "
                    "water if he is conscious, call 120 if serious"
                ),
                "Let him keep working slowly",
                "Give him alcohol to drink",
                "Wrap him in a blanket",
            ],
            (
                "Lower the body temperature fast. Confusion, unconsciousness or a very high "
                "temperature mean heat stroke: call 120."
            ),
            "heat stroke",
        ),
        (
            M, 3,
            "Which are correct for adult CPR?",
            [
                "*Push hard and fast: 5-6 cm deep at 100-120 per minute",
                "*Let the chest rise fully after each compression",
                "*Keep interruptions as short as possible",
                "*Use an AED as soon as one arrives",
                "Stop after two minutes if he does not wake up",
            ],
            (
                "Carry on until professional help takes over, the casualty breathes normally, or "
                "you cannot go on."
            ),
            "CPR, AED",
        ),
        (
            M, 3,
            "A worker has a deep cut in his forearm that bleeds heavily. What is right?",
            [
                "*Press directly on the wound with a clean dressing",
                "*Raise the arm if it is not broken",
                (
                    "*If pressure does not stop severe bleeding, apply a tourniquet above the "
                    "wound and note the time"
                ),
                "Pour alcohol into the wound",
            ],
            (
                "Direct pressure stops most bleeding. The time a tourniquet went on is written "
                "down and passed to the ambulance crew."
            ),
            "bleeding",
        ),
        (
            M, 3,
            "A worker is pulled out of the river unconscious and not breathing. What is right?",
            [
                "*Call 120",
                "*Open the airway and give rescue breaths, then start CPR",
                "*Keep him warm once he recovers",
                "Hang him upside down to drain the water first",
            ],
            (
                "Drowning kills by lack of oxygen: breaths and CPR come first. Trying to drain "
                "water wastes time."
            ),
            "drowning, CPR",
        ),
        (
            M, 2,
            "What do you tell the 120 operator?",
            [
                "*The exact place and how to get there",
                "*What happened and how many people are hurt",
                "*Their condition: conscious, breathing, bleeding",
                "*Your phone number; do not hang up first",
                "The name of the worker’s insurance company",
            ],
            "Send someone to meet the ambulance at the site gate.",
            "emergency numbers",
        ),
        (
            M, 4,
            "Which signs of heat illness call for 120 at once?",
            [
                "*A body temperature above 40 °C",
                "*Confusion or loss of consciousness",
                "*Hot, dry skin and convulsions",
                "Mild thirst",
            ],
            "These are signs of heat stroke, which can kill; start cooling at once while waiting.",
            "heat stroke",
        ),
        (
            TF, 1,
            "Before giving first aid, make sure the scene is safe for you and the casualty.",
            True,
            (
                "A rescuer who becomes a casualty helps nobody: look for traffic, electricity, "
                "gas, falling objects."
            ),
            "principles",
        ),
        (
            TF, 2,
            "A drowning victim is turned upside down to drain the water before CPR.",
            False,
            "Do not waste time draining water: give rescue breaths and start CPR.",
            "drowning",
        ),
        (
            TF, 2,
            "Blisters from a burn are burst to help them heal.",
            False,
            (
                "Blisters protect the wound from infection; leave them and cover with a clean "
                "dressing."
            ),
            "burns",
        ),
        (
            TF, 3,
            (
                "A trained bystander may use an AED, and everyone stands clear while it analyses "
                "and shocks."
            ),
            True,
            (
                "AEDs give spoken instructions. Touching the casualty during analysis disturbs it; "
                "during the shock it is dangerous."
            ),
            "AED",
        ),
        (
            TF, 4,
            "On days when the maximum temperature reaches 40 °C, outdoor work in the open stops.",
            True,
            (
                "Measures for Heatstroke Prevention and Cooling (2012): at 40 °C or above outdoor "
                "open-air work stops that day; at 37-40 °C it is limited to 6 hours and not in the "
                "3 hottest hours."
            ),
            "heat stroke, regulations",
        ),
        (
            FB, 1,
            "The ambulance number in China is ___.",
            ["120"],
            "120 medical emergencies, 119 fire, 110 police.",
            "emergency numbers",
        ),
        (
            FB, 2,
            "Adult CPR gives ___ chest compressions, then 2 rescue breaths.",
            ["30|thirty"],
            "30:2, for one rescuer or two.",
            "CPR",
        ),
        (
            FB, 3,
            "Adult chest compressions are given at ___ to 120 a minute and ___ to 6 cm deep.",
            ["100|one hundred", "5|five"],
            "Current CPR guidelines.",
            "CPR",
        ),
        (
            SA, 4,
            (
                "Describe single-rescuer adult CPR, from finding a collapsed worker to the arrival "
                "of the AED."
            ),
            (
                "Check the scene is safe; tap his shoulders and shout to check responsiveness; "
                "shout for help, call 120 (or have someone call) and send for the AED; open the "
                "airway (head tilt, chin lift) and look for normal breathing for no more than 10 "
                "seconds; if not breathing normally, start compressions in the centre of the "
                "chest, lower half of the breastbone, 5-6 cm deep at 100-120 a minute, letting the "
                "chest rise fully; after 30 compressions give 2 rescue breaths; continue 30:2 with "
                "minimal interruptions; when the AED arrives, switch it on and follow its "
                "instructions, everyone clear during analysis and shock."
            ),
            (
                "Key points: scene safety, response, 120 and AED, airway and breathing check, "
                "30:2, depth and rate, AED use."
            ),
            "CPR, AED",
        ),
    ],
    MARITIME: [
        (
            S, 1,
            "When is a life jacket worn on our projects?",
            [
                (
                    "*Whenever working on a barge, boat or pontoon, or at the edge of the wharf "
                    "over water"
                ),
                "Only when it rains",
                "Only by people who cannot swim",
                "Only at night",
            ],
            (
                "A fall into the river can stun or injure even a strong swimmer; the life jacket "
                "keeps his head above water."
            ),
            "life jackets",
        ),
        (
            S, 1,
            "You see a colleague fall overboard. What do you do first?",
            [
                "*Shout “Man overboard!”, throw a lifebuoy and keep pointing at him",
                "Jump in after him at once",
                "Run to the office to report",
                "Look for his phone number",
            ],
            (
                "Alarm, lifebuoy and a lookout who never loses sight of him: a head in the water "
                "disappears quickly in waves and current."
            ),
            "man overboard",
        ),
        (
            S, 4,
            "What is the sound signal for man overboard on Chinese ships?",
            [
                "*Three prolonged blasts",
                "Seven short blasts and one prolonged blast",
                "Two prolonged blasts and one short blast",
                "Continuous short blasts for one minute",
            ],
            (
                "Muster signals on Chinese ships: man overboard three prolonged blasts; abandon "
                "ship seven short and one prolonged; collision or leak two prolonged and one "
                "short; fire continuous short blasts."
            ),
            "signals, man overboard",
        ),
        (
            S, 3,
            "Where do you throw a lifebuoy for a person in the water?",
            [
                (
                    "*Just beyond him or upstream and upwind, so that it drifts to him, not at his "
                    "head"
                ),
                "Straight at his head",
                "As far away as possible",
                "Far downstream",
            ],
            (
                "A lifebuoy weighs a few kilograms and can knock a person out; the current and "
                "wind carry it to him."
            ),
            "lifebuoys, man overboard",
        ),
        (
            S, 4,
            "What does International Code flag “A” shown by a work boat mean?",
            [
                "*A diver is down: keep well clear at slow speed",
                "Man overboard",
                "I am on fire",
                "I have a pilot on board",
            ],
            (
                "Flag A (white and blue, swallow-tailed) warns that a diver is in the water; flag "
                "O means man overboard and H a pilot on board."
            ),
            "diving, signals",
        ),
        (
            S, 2,
            "How do you move between a work boat and a barge?",
            [
                "*Over a secured gangway with a safety net, once the vessels are made fast",
                "By jumping when the boats come close",
                "By climbing along the mooring line",
                "By standing on the fenders",
            ],
            (
                "Most falls into the water happen between vessels. Use a proper gangway, and wear "
                "a life jacket."
            ),
            "boarding, gangways",
        ),
        (
            S, 3,
            "Where must you not stand when mooring lines are under strain?",
            [
                "*In the snap-back zone of a line or in the bight of a rope",
                "Behind the superstructure",
                "On the far side of the deck",
                "In the wheelhouse",
            ],
            (
                "A parting line whips back with deadly force; a bight can close around a leg and "
                "drag a person overboard."
            ),
            "mooring",
        ),
        (
            S, 5,
            (
                "A person falls overboard from the starboard side of a moving work boat. Which way "
                "does the helmsman put the rudder first?"
            ),
            [
                "*Hard to starboard, to swing the stern and the propeller away from the person",
                "Hard to port",
                "Amidships, at full speed ahead",
                "Stop the engine and drop the anchor",
            ],
            (
                "Putting the rudder to the side the person fell swings the stern away from him and "
                "keeps him out of the propeller; then the boat turns back to pick him up."
            ),
            "man overboard, boat handling",
        ),
        (
            S, 3,
            "What must the company get before construction on the river starts?",
            [
                (
                    "*A permit for operations on and under water from the maritime safety "
                    "administration, with a navigation notice for the area"
                ),
                "Nothing: the river is public",
                "Only a fishing licence",
                "A road transport permit",
            ],
            (
                "Operations on and under water that affect navigation need the maritime safety "
                "administration’s permit, and ships are warned by navigation notices."
            ),
            "permits, navigation",
        ),
        (
            S, 2,
            "What is a vessel’s muster list for?",
            [
                (
                    "*It tells every person his station and duty in fire, abandon ship and man "
                    "overboard"
                ),
                "It lists the cargo on board",
                "It records the crew’s wages",
                "It is the menu of the galley",
            ],
            (
                "Everyone on board reads it and knows his emergency station and duty; drills "
                "practise it."
            ),
            "muster list, emergencies",
        ),
        (
            M, 2,
            "What is required of a life jacket?",
            [
                "*An approved type in good condition",
                "*Worn with all straps and buckles fastened",
                "*A size that fits the wearer",
                "Worn open so you can move freely",
            ],
            "An open life jacket slips off in the water or rides up over the face.",
            "life jackets",
        ),
        (
            M, 3,
            "When a person falls overboard, which actions are right?",
            [
                "*Raise the alarm and tell the skipper",
                "*Throw a lifebuoy with a light and line near him",
                "*Keep watching him and pointing at him",
                "*Get the rescue boat and recovery gear ready",
                "Everyone jumps in to help",
            ],
            (
                "Untrained rescuers who jump in often drown too. Rescue from the boat with "
                "lifebuoys, lines and the rescue boat."
            ),
            "man overboard",
        ),
        (
            M, 2,
            "Which of these are forbidden on work boats?",
            [
                "*Carrying more people than the boat is certified for",
                "*Working on deck without a life jacket",
                "*Drinking alcohol before or during work",
                "Attending the safety briefing before the shift",
            ],
            "Overloading capsizes boats, and alcohol causes falls into the water.",
            "work boats",
        ),
        (
            M, 4,
            "A worker is pulled out of cold river water in winter. What is right?",
            [
                "*Handle him gently and keep him lying down",
                "*Remove wet clothing and warm him gradually with blankets",
                "*Call 120, check breathing, and start CPR if he is not breathing",
                "Rub his arms and legs hard and give him alcohol",
            ],
            (
                "Rough handling and rubbing can cause cardiac arrest in hypothermia; alcohol "
                "speeds the loss of heat."
            ),
            "hypothermia, first aid",
        ),
        (
            M, 3,
            "How is an on-water construction zone made known to shipping?",
            [
                "*With buoys or marker lights as approved",
                "*With the day signals and night lights of the construction vessels",
                "*By the navigation notice issued for the work",
                "It need not be: passing ships will see it",
            ],
            "Approved marks, signals and notices keep passing ships from running into the works.",
            "navigation",
        ),
        (
            TF, 1,
            "Good swimmers do not need a life jacket on a barge.",
            False,
            (
                "Cold water, currents, injury and heavy clothing drown good swimmers too: everyone "
                "wears one."
            ),
            "life jackets",
        ),
        (
            TF, 1,
            "A lifebuoy is thrown straight at the head of the person in the water.",
            False,
            "Throw it beyond or upstream of him so it drifts within reach; it could knock him out.",
            "lifebuoys",
        ),
        (
            TF, 4,
            (
                "On Chinese ships, seven short blasts followed by one prolonged blast is the "
                "abandon-ship signal."
            ),
            True,
            "Seven short and one prolonged: abandon ship; three prolonged: man overboard.",
            "signals",
        ),
        (
            TF, 3,
            (
                "In cold water, keep still with your knees drawn up and hold your life jacket, "
                "rather than swimming about."
            ),
            True,
            (
                "The Heat Escape Lessening Posture (HELP) saves body heat; swimming without aim "
                "loses it fast."
            ),
            "hypothermia",
        ),
        (
            TF, 2,
            "A construction vessel carries a life jacket for every person on board.",
            True,
            (
                "Life-saving appliances are provided for everyone on board, at least as many life "
                "jackets as people."
            ),
            "life jackets, life-saving appliances",
        ),
        (
            FB, 1,
            "Before going onto a barge or work boat, put on and fasten your life ___.",
            ["jacket|vest"],
            "Everyone working over water wears one.",
            "life jackets",
        ),
        (
            FB, 3,
            "The water search and rescue hotline in China is ___.",
            ["12395"],
            (
                "12395 reaches the maritime search and rescue centre; on the radio, use VHF "
                "channel 16."
            ),
            "emergency numbers, search and rescue",
        ),
        (
            FB, 3,
            "VHF channel ___ is the international channel for distress, safety and calling.",
            ["16|sixteen"],
            "Channel 16 (156.8 MHz) is kept under watch by ships and coast stations.",
            "radio, search and rescue",
        ),
        (
            SA, 3,
            "A colleague falls from the wharf into the river. Describe what you do.",
            (
                "Shout “Man overboard!” and raise the alarm; throw the nearest lifebuoy (with "
                "line) so it drifts to him; keep him in sight and point at him; tell the site and "
                "the rescue boat, call 12395 or 120 as needed; do not jump in unless trained, with "
                "a life jacket and a line; when he is at the wharf, pull him out with the line, a "
                "boat hook or a ladder; check breathing, give CPR if needed, keep him warm and "
                "send him to hospital; report the accident."
            ),
            (
                "Key points: alarm, lifebuoy, keep watch, rescue boat and calls, no blind jumping, "
                "recovery, first aid, report."
            ),
            "man overboard, rescue",
        ),
        (
            SA, 4,
            (
                "List the safety rules for workers carried by work boat from the wharf to the "
                "pile-driving barge."
            ),
            (
                "The boat is certified and has a licensed operator; no more people than it may "
                "carry; everyone wears a fastened life jacket; board and leave only when the boat "
                "is made fast, over a gangway, one at a time; sit down and stay inside the rails, "
                "no riding on the gunwale or bow; no alcohol; follow the operator’s instructions; "
                "no trips in strong winds, fog or high water beyond the plan’s limits; lifebuoys "
                "and a radio on board; head count at departure and arrival."
            ),
            (
                "Key points: certified boat and operator, capacity, life jackets, safe boarding, "
                "behaviour, weather, life-saving equipment, head count."
            ),
            "work boats, life jackets",
        ),
    ],
}  # fmt: skip
