"""The households of the demo district: who lives together, their names, ID numbers, phones and care tags."""

import datetime
from dataclasses import dataclass, field

from stdnum.cn import ric

from .names import (
    FAMILY,
    GIVEN_CHARS,
    HEAD,
    HOUSEHOLD_SIZES,
    ID_REGIONS,
    PHONE_PREFIXES,
    PREV,
    REFERENCE_DAY,
    SURNAME_WEIGHTS,
    SURNAMES,
)


@dataclass(slots=True)
class Person:
    name: str
    gender: str
    age: int
    relation: str
    id_number: str = ""
    phone: str = ""
    tags: list = field(default_factory=list)


class PeoplePlanner:
    """The people part of ``Planner``: draws from the planner's ``rng`` (and Faker's ``draw`` for
    names) in the planner's fixed order."""

    def _household(self):
        rng = self.rng
        size = rng.choices(HOUSEHOLD_SIZES[0], cum_weights=HOUSEHOLD_SIZES[1])[0]
        self._surnames = {}
        people = [self._person(*m) for m in getattr(self, f"_size{size}")()]
        if rng.random() < 0.02:
            for p in people:
                p.tags.append("low_income")
        return people

    # Each member is (relation, age, gender, surname, *tags). ``surname`` says whose family name
    # the member carries: FAMILY (the father's line), HEAD (the head's), PREV (the member listed
    # just before, e.g. a son-in-law's child) or None (their own).

    def _size1(self):
        rng = self.rng
        if rng.random() < 0.56:
            return [("户主", rng.randint(65, 92), "F" if rng.random() < 0.6 else "M", None, "elderly_alone")]
        return [("户主", rng.randint(22, 45), rng.choice("MF"), None)]

    def _size2(self):
        rng = self.rng
        r = rng.random()
        if r < 0.7:
            return self._couple(rng.randint(24, 85))
        if r < 0.85:
            a, g = rng.randint(35, 58), "F" if rng.random() < 0.65 else "M"
            return [
                ("户主", a, g, HEAD),
                ("子女", max(2, a - rng.randint(22, 33)), rng.choice("MF"), HEAD if g == "M" else None),
            ]
        a, pg = rng.randint(30, 55), rng.choice("MF")
        return [
            ("户主", a, rng.choice("MF"), HEAD),
            ("父母", min(95, a + rng.randint(23, 33)), pg, HEAD if pg == "M" else None),
        ]

    def _size3(self):
        rng = self.rng
        if rng.random() < 0.08:  # grandparents raising a grandchild whose parents work away (留守儿童)
            return self._couple(rng.randint(58, 75), head_male=True) + [
                ("孙子女", rng.randint(5, 14), rng.choice("MF"), FAMILY, "left_behind_child")
            ]
        a = rng.randint(27, 55)
        return self._couple(a) + [self._child(a)]

    def _size4(self):
        rng = self.rng
        a = rng.randint(30, 50)
        if rng.random() < 0.6:
            return self._couple(a) + [self._child(a), self._child(a)]
        pg = rng.choice("MF")
        return self._couple(a) + [
            self._child(a),
            ("父母", min(95, a + rng.randint(24, 32)), pg, HEAD if pg == "M" else None),
        ]

    def _size5(self):
        rng = self.rng
        if rng.random() < 0.6:
            a = rng.randint(30, 50)
            older = min(93, a + rng.randint(24, 32))
            return self._couple(a) + [
                self._child(a),
                ("父母", older, "M", HEAD),
                ("父母", older - 2, "F", None),
            ]
        a = rng.randint(55, 70)
        child_age = a - rng.randint(25, 32)
        if rng.random() < 0.6:
            young = [("子女", child_age, "M", FAMILY), ("儿媳", child_age - 1, "F", None)]
            grandchild = ("孙子女", rng.randint(1, 10), rng.choice("MF"), FAMILY)
        else:
            young = [("子女", child_age, "F", FAMILY), ("女婿", child_age + 1, "M", None)]
            grandchild = ("孙子女", rng.randint(1, 10), rng.choice("MF"), PREV)
        return self._couple(a, head_male=True) + young + [grandchild]

    def _couple(self, age, head_male=None):
        male = self.rng.random() < 0.75 if head_male is None else head_male
        spouse_age = max(20, age + self.rng.randint(-4, 3) * (1 if male else -1))
        return [
            ("户主", age, "M" if male else "F", FAMILY if male else HEAD),
            ("配偶", spouse_age, "F" if male else "M", None if male else FAMILY),
        ]

    def _child(self, parent_age):
        return ("子女", max(0, parent_age - self.rng.randint(23, 34)), self.rng.choice("MF"), FAMILY)

    def _person(self, relation, age, gender, surname_of, *tags):
        rng = self.rng
        surname = self._surnames.get(surname_of) if surname_of else None
        surname = surname or self._surname()
        if surname_of:
            self._surnames[surname_of] = surname
        if relation == "户主":
            self._surnames.setdefault(HEAD, surname)
        self._surnames[PREV] = surname
        person = Person(
            name=surname + self._given_name(gender, age),
            gender=gender,
            age=age,
            relation=relation,
            tags=list(tags),
        )
        person.id_number = self._id_number(age, gender)
        if age >= 15 and rng.random() < (0.6 if age >= 80 else 0.96):
            person.phone = self._phone()
        self._care_tags(person)
        return person

    def _care_tags(self, p):
        rng = self.rng
        if p.age >= 80:
            p.tags.append("elderly")
        if rng.random() < 0.02:
            p.tags.append("disabled")
        if p.gender == "M" and 25 <= p.age <= 80 and rng.random() < 0.042:
            p.tags.append("veteran")
        if p.age >= 20 and rng.random() < (0.07 if p.age < 40 else 0.095 if p.age < 60 else 0.125):
            p.tags.append("party_member")
        if rng.random() < 0.005:
            p.tags.append("serious_illness")

    def _id_number(self, age, gender):
        rng = self.rng
        while True:
            born = datetime.date(REFERENCE_DAY.year - age, REFERENCE_DAY.month, REFERENCE_DAY.day)
            born -= datetime.timedelta(days=rng.randrange(365))
            seq = rng.randrange(0, 100) * 10 + rng.choice(
                (1, 3, 5, 7, 9) if gender == "M" else (0, 2, 4, 6, 8)
            )
            body = f"{rng.choice(ID_REGIONS)}{born.year}{born.month:02d}{born.day:02d}{seq:03d}"
            if body not in self.id_prefixes:
                self.id_prefixes.add(body)
                return body + ric.calc_check_digit(body + "0")

    def _phone(self):
        return self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def _name(self, gender=None, age=None):
        gender = gender or self.draw.choice("MF")
        return self._surname() + self._given_name(gender, age or self.draw.randint(25, 55))

    def _surname(self):
        return self.draw.choices(SURNAMES, cum_weights=SURNAME_WEIGHTS)[0]

    def _given_name(self, gender, age):
        draw = self.draw
        if draw.random() < 0.35:
            return self.fake.first_name_male() if gender == "M" else self.fake.first_name_female()
        born = REFERENCE_DAY.year - age
        chars = GIVEN_CHARS[gender, 0 if born < 1970 else 1 if born < 1995 else 2]
        return draw.choice(chars) + (draw.choice(chars) if draw.random() < 0.75 else "")
